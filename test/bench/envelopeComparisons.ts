import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from "node:crypto"
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  NodeCachingMaterialsManager,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier
} from "@aws-crypto/client-node"
import { Effect, Either, type Scope } from "effect"
import { decodeRecord } from "../../domain/record.ts"
import { encodePayload } from "../../programs/payload.ts"
import type { BenchEnvironment } from "./environment.ts"
import { benchOwner, documentsOfSize, randomDraftId } from "./fixtures.ts"
import { type BlockComparison, type BlockSide, compareBlocks } from "./loadGenerator.ts"
import { type Entry, type Row, target } from "./report.ts"
import type { Settings } from "./settings.ts"
import { type BenchStack, buildStack } from "./stack.ts"

const documentBytes = 4096
const cacheMaxAgeMillis = 10 * 60 * 1000

/** Seals and opens through programs/crypto/Envelope.ts, decoding the record in between as a read does. */
const envelopeSide = (stack: BenchStack, plaintext: Buffer): BlockSide => {
  const ref = { owner: benchOwner(0), draftId: randomDraftId() }
  const key = stack.storageKeys.draftKey(ref.owner, ref.draftId)
  const time = Date.now()
  const fields = { kind: "draft" as const, seq: 1, createdAt: time, savedAt: time, expiresAt: time + cacheMaxAgeMillis }

  return {
    label: "Envelope seal + decode + open",
    run: (operations) =>
      stack.run(
        Effect.gen(function* () {
          for (let index = 0; index < operations; index++) {
            const sealed = yield* stack.envelope.seal(key, fields, plaintext)
            const decoded = decodeRecord(sealed.bytes)
            if (Either.isLeft(decoded)) return yield* Effect.die(decoded.left)
            const opened = yield* stack.envelope.open(key, decoded.right)
            if (opened.length !== plaintext.length) return yield* Effect.dieMessage("the envelope returned other bytes")
          }
        })
      )
  }
}

/** Encrypts and decrypts once with AES-256-GCM, a cached KeyObject and a random IV, and nothing else. */
const rawAesGcmSide = (plaintext: Buffer): BlockSide => {
  const key = createSecretKey(randomBytes(32))
  return {
    label: "AES-256-GCM createCipheriv + createDecipheriv",
    run: async (operations) => {
      for (let index = 0; index < operations; index++) {
        const iv = randomBytes(12)
        const cipher = createCipheriv("aes-256-gcm", key, iv)
        const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
        const tag = cipher.getAuthTag()

        const decipher = createDecipheriv("aes-256-gcm", key, iv)
        decipher.setAuthTag(tag)
        const opened = Buffer.concat([decipher.update(ciphertext), decipher.final()])
        if (opened.length !== plaintext.length) throw new Error("AES-GCM returned other bytes")
      }
    }
  }
}

/**
 * Encrypts and decrypts with the AWS Encryption SDK for JavaScript: a raw AES keyring behind a
 * caching materials manager, so messages reuse cached data keys, and the committing, unsigned
 * algorithm suite.
 */
const encryptionSdkSide = (plaintext: Buffer): BlockSide => {
  const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
  const keyring = new RawAesKeyringNode({
    keyName: "benchmark-key",
    keyNamespace: "claim-drafts-benchmark",
    unencryptedMasterKey: new Uint8Array(randomBytes(32)),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING
  })
  const materials = new NodeCachingMaterialsManager({
    backingMaterials: keyring,
    cache: getLocalCryptographicMaterialsCache(1_000),
    maxAge: cacheMaxAgeMillis,
    maxMessagesEncrypted: 2 ** 20
  })

  return {
    label: "AWS Encryption SDK encrypt + decrypt",
    run: async (operations) => {
      for (let index = 0; index < operations; index++) {
        const { result } = await encrypt(materials, plaintext, {
          suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
          encryptionContext: { purpose: "claim-drafts/benchmark" },
          plaintextLength: plaintext.length
        })
        const opened = await decrypt(materials, result)
        if (opened.plaintext.length !== plaintext.length) throw new Error("the Encryption SDK returned other bytes")
      }
    }
  }
}

const cpuNote =
  "Targets use CPU time per operation: these are single-threaded CPU-bound loops, and on a shared machine their wall time mostly measures the scheduler."

const blockRow = (comparison: BlockComparison): Row => ({
  payloadBytes: documentBytes,
  concurrency: 1,
  values: {
    iterations: comparison.ours.operations,
    oursCpuMicros: comparison.ours.cpuMicros,
    baselineCpuMicros: comparison.baseline.cpuMicros,
    cpuRatio: comparison.ours.cpuMicros / comparison.baseline.cpuMicros,
    roundCpuRatioMin: Math.min(...comparison.roundRatios),
    roundCpuRatioMax: Math.max(...comparison.roundRatios),
    oursWallMicros: comparison.ours.meanMicros,
    baselineWallMicros: comparison.baseline.meanMicros,
    wallRatio: comparison.ours.meanMicros / comparison.baseline.meanMicros
  }
})

/** The envelope against raw AES-GCM and against the AWS Encryption SDK, one entry each. */
export const envelopeEntries = (
  environment: BenchEnvironment,
  settings: Settings
): Effect.Effect<ReadonlyArray<Entry>, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    const stack = yield* buildStack(environment, { writeBehind: false })
    const plaintext = encodePayload(randomDraftId(), documentsOfSize(documentBytes)[0]!)
    const ours = envelopeSide(stack, plaintext)
    // Always collected before each block, also in quick mode: a block lasts about 100 ms there,
    // and a collection of garbage left by earlier entries would land on one side only.
    const plan = { block: settings.envelopeBlock, rounds: settings.envelopeRounds, collectGarbage: true }

    const versusAes = yield* Effect.promise(() => compareBlocks(ours, rawAesGcmSide(plaintext), plan))
    const sdkPlan = { ...plan, block: Math.max(50, Math.floor(plan.block / 10)) }
    const versusSdk = yield* Effect.promise(() => compareBlocks(ours, encryptionSdkSide(plaintext), sdkPlan))

    const labels = (comparison: BlockComparison) => `ours = ${comparison.ours.label}; baseline = ${comparison.baseline.label}`
    return [
      {
        key: "envelope_vs_raw_aes_gcm",
        title: "Envelope seal + open of a 4 KiB draft vs one AES-256-GCM encryption and decryption",
        rows: [blockRow(versusAes)],
        targets: [target("CPU time ratio envelope / raw AES-GCM", versusAes.ours.cpuMicros / versusAes.baseline.cpuMicros, "<=", 1.3)],
        notes: [labels(versusAes), "Both use a cached KeyObject; the envelope adds the header, AAD, a random revision and decoding.", cpuNote]
      },
      {
        key: "envelope_vs_esdk",
        title: "Envelope seal + open of a 4 KiB draft vs the AWS Encryption SDK with a caching materials manager",
        rows: [blockRow(versusSdk)],
        targets: [target("throughput ratio envelope / Encryption SDK, by CPU time", versusSdk.baseline.cpuMicros / versusSdk.ours.cpuMicros, ">=", 8)],
        notes: [
          labels(versusSdk),
          "SDK: raw AES keyring, NodeCachingMaterialsManager (local cache, 10 minutes, 2^20 messages), ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY, commitment required.",
          cpuNote
        ]
      }
    ] satisfies ReadonlyArray<Entry>
  })
