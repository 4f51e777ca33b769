import { randomUUID } from "node:crypto"
import { KMSClient } from "@aws-sdk/client-kms"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Effect, Layer } from "effect"
import { config as kmsConfig, type KmsKeyProviderConfig } from "../adapters/kms/kmsConfig.ts"
import * as KmsKeyProvider from "../adapters/kms/KmsKeyProvider.ts"
import { KeyProvider } from "../programs/ports/KeyProvider.ts"
import { type ContractKey, keyProviderContract } from "./contracts/keyProviderContract.ts"
import { startKmsServer, type KmsTestServer, type TestKmsKey } from "./support/kmsServer.ts"

// Every client below gets an explicit loopback endpoint and static credentials; this guard
// also keeps any SDK code path from probing instance metadata.
process.env.AWS_EC2_METADATA_DISABLED = "true"

const credentials = { accessKeyId: "AKIDCLAIMDRAFTSTEST", secretAccessKey: "claim-drafts-test-secret" }

const testRetry = { maxAttempts: 3, baseDelayMillis: 5, maxDelayMillis: 20, attemptTimeoutMillis: 2000, retryAfterSeconds: 7 }

let server: KmsTestServer
let keyA: TestKmsKey
let keyB: TestKmsKey

beforeAll(async () => {
  server = await startKmsServer()
  keyA = server.createKey({ alias: "claim-drafts-a" })
  keyB = server.createKey()
})

afterAll(() => server.close())

beforeEach(() => {
  server.throttleNext(0)
  server.failNext(0)
  server.resetCounts()
})

const settingsFor = (
  keys: ReadonlyArray<TestKmsKey | string>,
  overrides: Partial<KmsKeyProviderConfig> = {}
): KmsKeyProviderConfig => {
  const ids = keys.map((key) => (typeof key === "string" ? key : key.arn))
  return {
    region: server.region,
    encryptingKeyId: ids[0]!,
    decryptingKeyIds: ids.slice(1),
    environment: "test",
    endpoint: server.endpoint,
    credentials,
    retry: testRetry,
    ...overrides
  }
}

const providerFor = (keys: ReadonlyArray<TestKmsKey | string>, overrides: Partial<KmsKeyProviderConfig> = {}) => {
  const settings = settingsFor(keys, overrides)
  return Effect.flatMap(KmsKeyProvider.makeClient(settings), (client) => KmsKeyProvider.make(settings, client))
}

/** A provider whose SDK client records every Plaintext buffer that the SDK hands back. */
const recordingProvider = (keys: ReadonlyArray<TestKmsKey>) =>
  Effect.gen(function*() {
    const settings = settingsFor(keys)
    const client = yield* KmsKeyProvider.makeClient(settings)
    const sdkPlaintexts: Array<Uint8Array> = []

    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args)
        const plaintext = (result.output as { Plaintext?: Uint8Array }).Plaintext
        if (plaintext !== undefined) sdkPlaintexts.push(plaintext)
        return result
      },
      { step: "initialize", name: "recordPlaintext" }
    )

    return { provider: yield* KmsKeyProvider.make(settings, client), sdkPlaintexts }
  })

const isZero = (bytes: Uint8Array) => bytes.every((byte) => byte === 0)

const unknownArn = () => `arn:aws:kms:us-east-1:111122223333:key/${randomUUID()}`

describe("KmsKeyProvider contract", () => {
  const keyOf = (key: ContractKey) => (key === "A" ? keyA : keyB)

  keyProviderContract({
    provider: (keys) => providerFor(keys.map(keyOf)),
    keyIdOf: (key) => keyOf(key).arn,
    unknownKeyId: "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000"
  })
})

describe("KmsKeyProvider", () => {
  it.scopedLive("sends the purpose and environment as encryption context", () =>
    Effect.gen(function*() {
      const provider = yield* providerFor([keyA])
      const dataKey = yield* provider.generateDataKey
      yield* provider.unwrapDataKey(dataKey)

      const context = { purpose: "claim-drafts/data-key", environment: "test" }
      const [generate, decrypt] = server.requests
      expect(generate).toEqual({
        operation: "GenerateDataKey",
        body: { KeyId: keyA.arn, KeySpec: "AES_256", EncryptionContext: context }
      })
      expect(decrypt?.operation).toBe("Decrypt")
      expect(decrypt?.body).toMatchObject({ KeyId: keyA.arn, EncryptionContext: context, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" })
    }))

  it.scopedLive("wrong environment is an integrity failure", () =>
    Effect.gen(function*() {
      const testing = yield* providerFor([keyA])
      const production = yield* providerFor([keyA], { environment: "production" })
      const dataKey = yield* testing.generateDataKey

      const error = yield* Effect.flip(production.unwrapDataKey(dataKey))
      expect(error._tag).toBe("IntegrityFailure")
      expect(error.message).toContain("InvalidCiphertextException")
      expect(server.count("Decrypt")).toBe(1)
    }))

  it.scopedLive("unlisted key id is rejected without calling KMS", () =>
    Effect.gen(function*() {
      const other = yield* providerFor([keyB])
      const provider = yield* providerFor([keyA])
      const dataKey = yield* other.generateDataKey

      const error = yield* Effect.flip(provider.unwrapDataKey(dataKey))
      expect(error._tag).toBe("IntegrityFailure")
      expect(server.count("Decrypt")).toBe(0)
    }))

  it.scopedLive("key id that is not an ARN is rejected without calling KMS", () =>
    Effect.gen(function*() {
      const provider = yield* providerFor([keyA])
      const dataKey = yield* provider.generateDataKey

      for (const keyId of [keyA.keyId, "alias/claim-drafts-a", "kek-A"]) {
        const error = yield* Effect.flip(provider.unwrapDataKey({ keyId, wrappedKey: dataKey.wrappedKey }))
        expect(error._tag, keyId).toBe("IntegrityFailure")
      }
      expect(server.count("Decrypt")).toBe(0)
    }))

  it.scopedLive("listed key that KMS does not know is an integrity failure", () =>
    Effect.gen(function*() {
      const ghost = unknownArn()
      const provider = yield* providerFor([keyA, ghost])
      const dataKey = yield* provider.generateDataKey

      const error = yield* Effect.flip(provider.unwrapDataKey({ keyId: ghost, wrappedKey: dataKey.wrappedKey }))
      expect(error._tag).toBe("IntegrityFailure")
      expect(error.message).toContain("NotFoundException")
      expect(server.count("Decrypt")).toBe(1)
    }))

  it.scopedLive("bare key id matches the ARN that KMS returns", () =>
    Effect.gen(function*() {
      const provider = yield* providerFor([keyA.keyId, keyB.keyId])
      const dataKey = yield* provider.generateDataKey
      expect(dataKey.keyId).toBe(keyA.arn)

      const unwrapped = yield* provider.unwrapDataKey(dataKey)
      expect(Buffer.from(unwrapped).equals(Buffer.from(dataKey.plaintext))).toBe(true)

      const fromB = yield* (yield* providerFor([keyB])).generateDataKey
      expect(Buffer.from(yield* provider.unwrapDataKey(fromB)).equals(Buffer.from(fromB.plaintext))).toBe(true)
    }))

  it.scopedLive("bare key id of another region does not match", () =>
    Effect.gen(function*() {
      const provider = yield* providerFor([keyA.keyId], { region: "eu-west-1" })
      const error = yield* Effect.flip(provider.generateDataKey)

      expect(error._tag).toBe("KeyUnavailable")
      expect(String(error.cause)).toContain("KeyId is not the ARN of CLAIM_DRAFTS_KMS_KEY_ID")
    }))

  it.scopedLive("throttling is retried until success", () =>
    Effect.gen(function*() {
      const provider = yield* providerFor([keyA])
      server.throttleNext(2)

      const dataKey = yield* provider.generateDataKey
      expect(dataKey.plaintext.length).toBe(32)
      expect(server.count("GenerateDataKey")).toBe(3)
    }))

  it.scopedLive("internal errors are retried until success", () =>
    Effect.gen(function*() {
      const provider = yield* providerFor([keyA])
      const dataKey = yield* provider.generateDataKey
      server.failNext(2)

      const unwrapped = yield* provider.unwrapDataKey(dataKey)
      expect(Buffer.from(unwrapped).equals(Buffer.from(dataKey.plaintext))).toBe(true)
      expect(server.count("Decrypt")).toBe(3)
    }))

  it.scopedLive("persistent throttling is KeyUnavailable", () =>
    Effect.gen(function*() {
      const provider = yield* providerFor([keyA])
      server.throttleNext(100)

      const error = yield* Effect.flip(provider.generateDataKey)
      expect(error._tag).toBe("KeyUnavailable")
      expect(error.retryAfterSeconds).toBe(7)
      expect(error.method).toBe("KMS GenerateDataKey")
      expect(server.count("GenerateDataKey")).toBe(testRetry.maxAttempts)
    }))

  it.scopedLive("persistent internal errors on Decrypt are KeyUnavailable", () =>
    Effect.gen(function*() {
      const provider = yield* providerFor([keyA])
      const dataKey = yield* provider.generateDataKey
      server.failNext(100)

      const error = yield* Effect.flip(provider.unwrapDataKey(dataKey))
      expect(error._tag).toBe("KeyUnavailable")
      expect(server.count("Decrypt")).toBe(testRetry.maxAttempts)
    }))

  // The attempt timeout is a minute and the test timeout ten seconds, so this passes only
  // if a refused connection fails the call at once instead of waiting for a timeout.
  it.scopedLive("stopped server is KeyUnavailable at once", () =>
    Effect.gen(function*() {
      const provider = yield* providerFor([keyA], { retry: { ...testRetry, attemptTimeoutMillis: 60_000 } })
      const dataKey = yield* provider.generateDataKey

      yield* Effect.promise(() => server.stop())
      const generateError = yield* Effect.flip(provider.generateDataKey)
      const unwrapError = yield* Effect.flip(provider.unwrapDataKey(dataKey))
      yield* Effect.promise(() => server.restart())

      expect(generateError._tag).toBe("KeyUnavailable")
      expect(unwrapError._tag).toBe("KeyUnavailable")
      expect(generateError.retryAfterSeconds).toBe(7)

      const unwrapped = yield* provider.unwrapDataKey(dataKey)
      expect(Buffer.from(unwrapped).equals(Buffer.from(dataKey.plaintext))).toBe(true)
    }), 10_000)

  it.scopedLive("disabled key is KeyUnavailable without retries", () =>
    Effect.gen(function*() {
      const disabled = server.createKey()
      server.disableKey(disabled.keyId)
      const provider = yield* providerFor([disabled])

      const error = yield* Effect.flip(provider.generateDataKey)
      expect(error._tag).toBe("KeyUnavailable")
      expect(server.count("GenerateDataKey")).toBe(1)
    }))

  it.scopedLive("SDK plaintext buffers are zeroed", () =>
    Effect.gen(function*() {
      const { provider, sdkPlaintexts } = yield* recordingProvider([keyA])
      const dataKey = yield* provider.generateDataKey
      const unwrapped = yield* provider.unwrapDataKey(dataKey)

      expect(sdkPlaintexts).toHaveLength(2)
      expect(sdkPlaintexts.every(isZero)).toBe(true)
      expect(isZero(dataKey.plaintext)).toBe(false)
      expect(Buffer.from(unwrapped).equals(Buffer.from(dataKey.plaintext))).toBe(true)
    }))
})

describe("KmsKeyProvider response validation", () => {
  const shortPlaintext = (body: Record<string, unknown>) => ({
    ...body,
    Plaintext: Buffer.from(body.Plaintext as string, "base64").subarray(0, 16).toString("base64")
  })

  it.scopedLive("short generated data key is rejected and zeroed", () =>
    Effect.gen(function*() {
      const { provider, sdkPlaintexts } = yield* recordingProvider([keyA])
      server.rewriteNext("GenerateDataKey", shortPlaintext)

      const error = yield* Effect.flip(provider.generateDataKey)
      expect(error._tag).toBe("KeyUnavailable")
      expect(String(error.cause)).toContain("Plaintext")
      expect(sdkPlaintexts).toHaveLength(1)
      expect(sdkPlaintexts[0]!.length).toBe(16)
      expect(isZero(sdkPlaintexts[0]!)).toBe(true)
    }))

  it.scopedLive("generated key under another key id is rejected", () =>
    Effect.gen(function*() {
      const { provider, sdkPlaintexts } = yield* recordingProvider([keyA])
      server.rewriteNext("GenerateDataKey", (body) => ({ ...body, KeyId: keyB.arn }))

      const error = yield* Effect.flip(provider.generateDataKey)
      expect(error._tag).toBe("KeyUnavailable")
      expect(String(error.cause)).toContain("KeyId")
      expect(sdkPlaintexts.every(isZero)).toBe(true)
    }))

  it.scopedLive("generated key without a ciphertext blob is rejected", () =>
    Effect.gen(function*() {
      const provider = yield* providerFor([keyA])
      server.rewriteNext("GenerateDataKey", ({ CiphertextBlob: _, ...body }) => body)

      const error = yield* Effect.flip(provider.generateDataKey)
      expect(error._tag).toBe("KeyUnavailable")
      expect(String(error.cause)).toContain("CiphertextBlob")
    }))

  it.scopedLive("decrypt answered by another key is an integrity failure", () =>
    Effect.gen(function*() {
      const { provider, sdkPlaintexts } = yield* recordingProvider([keyA, keyB])
      const dataKey = yield* provider.generateDataKey
      server.rewriteNext("Decrypt", (body) => ({ ...body, KeyId: keyB.arn }))

      const error = yield* Effect.flip(provider.unwrapDataKey(dataKey))
      expect(error._tag).toBe("IntegrityFailure")
      expect(sdkPlaintexts.every(isZero)).toBe(true)
    }))

  it.scopedLive("short decrypted data key is an integrity failure", () =>
    Effect.gen(function*() {
      const { provider, sdkPlaintexts } = yield* recordingProvider([keyA])
      const dataKey = yield* provider.generateDataKey
      server.rewriteNext("Decrypt", shortPlaintext)

      const error = yield* Effect.flip(provider.unwrapDataKey(dataKey))
      expect(error._tag).toBe("IntegrityFailure")
      expect(sdkPlaintexts.every(isZero)).toBe(true)
    }))
})

describe("KmsKeyProvider configuration", () => {
  const parse = (env: Record<string, string>) =>
    Effect.withConfigProvider(kmsConfig, ConfigProvider.fromMap(new Map(Object.entries(env))))

  it.effect("reads the variables with their defaults", () =>
    Effect.gen(function*() {
      const settings = yield* parse({ AWS_REGION: "us-east-1", CLAIM_DRAFTS_KMS_KEY_ID: ` ${keyA.arn} ` })
      expect(settings).toEqual({
        region: "us-east-1",
        encryptingKeyId: keyA.arn,
        decryptingKeyIds: [],
        environment: "development",
        endpoint: undefined
      })
    }))

  it.effect("reads the decrypt list, environment and endpoint", () =>
    Effect.gen(function*() {
      const settings = yield* parse({
        AWS_REGION: "eu-west-1",
        CLAIM_DRAFTS_KMS_KEY_ID: keyA.keyId,
        CLAIM_DRAFTS_KMS_DECRYPT_KEY_IDS: ` ${keyB.arn} ,, ${keyA.arn}`,
        CLAIM_DRAFTS_ENVIRONMENT: "production",
        KMS_ENDPOINT: "http://127.0.0.1:4566"
      })
      expect(settings.decryptingKeyIds).toEqual([keyB.arn, keyA.arn])
      expect(settings.environment).toBe("production")
      expect(settings.endpoint).toBe("http://127.0.0.1:4566")
    }))

  it.effect("requires AWS_REGION", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(parse({ CLAIM_DRAFTS_KMS_KEY_ID: keyA.arn }))
      expect(String(error)).toContain("AWS_REGION")
    }))

  const rejected: ReadonlyArray<readonly [string, Partial<KmsKeyProviderConfig>, string]> = [
    ["an alias", { encryptingKeyId: "alias/claim-drafts-a" }, "is an alias"],
    ["an alias ARN", { encryptingKeyId: "arn:aws:kms:us-east-1:111122223333:alias/claim-drafts-a" }, "is an alias"],
    ["a malformed key id", { encryptingKeyId: "claim-drafts" }, "neither a KMS key ARN nor a key id"],
    ["an alias in the decrypt list", { decryptingKeyIds: ["alias/old"] }, "CLAIM_DRAFTS_KMS_DECRYPT_KEY_IDS"]
  ]
  for (const [name, overrides, expected] of rejected) {
    it.scoped(`rejects ${name}`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(providerFor([keyA], overrides))
        expect(error._tag).toBe("KeyConfigError")
        expect(error.message).toContain(expected)
      }))
  }

  it.scopedLive("layer provides a working KeyProvider", () =>
    Effect.gen(function*() {
      const context = yield* Layer.build(KmsKeyProvider.layer(settingsFor([keyA])))
      const provider = Context.get(context, KeyProvider)

      const dataKey = yield* provider.generateDataKey
      expect(Buffer.from(yield* provider.unwrapDataKey(dataKey)).equals(Buffer.from(dataKey.plaintext))).toBe(true)
    }))

  it.scoped("client is destroyed with its scope", () =>
    Effect.gen(function*() {
      let destroyed = 0
      const client = yield* Effect.scoped(
        Effect.tap(KmsKeyProvider.makeClient(settingsFor([keyA])), (client) =>
          Effect.sync(() => {
            const destroy = client.destroy.bind(client)
            client.destroy = () => {
              destroyed += 1
              destroy()
            }
          }))
      )
      expect(client).toBeInstanceOf(KMSClient)
      expect(destroyed).toBe(1)
    }))
})
