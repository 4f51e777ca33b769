import { createCipheriv, createDecipheriv } from "node:crypto"
import { Effect, Either } from "effect"
import { IntegrityFailure, type KeyUnavailable } from "../../domain/errors.ts"
import type { DraftKey } from "../../domain/keys.ts"
import { type DecodedRecord, encodeSealedPrefix, ivBytes, type RecordHeader, revisionBytes, tagBytes } from "../../domain/record.ts"
import { DraftsConfig } from "../DraftsConfig.ts"
import { makeDecryptionKeys } from "./DecryptionKeys.ts"
import { makeEncryptionKeys } from "./EncryptionKeys.ts"
import { makeRandomPool } from "./randomPool.ts"

/**
 * Binds a record to where it is stored: the keyed digests of its owner and of its
 * (owner, draft id) pair. A record copied under another draft or owner fails to decrypt.
 */
const bindingOf = (key: DraftKey): Buffer => {
  let binding = bindings.get(key)
  if (binding === undefined) {
    binding = Buffer.from(`\u0000${key.owner}\u0000${key.draft}`, "utf8")
    bindings.set(key, binding)
  }
  return binding
}

/** Bindings of keys seen before: `StorageKeys` hands out the same `DraftKey` for a recent draft. */
const bindings = new WeakMap<DraftKey, Buffer>()

/** Header fields the caller chooses; the envelope adds the random revision. */
export type HeaderFields = Omit<RecordHeader, "revision">

export interface SealedRecord {
  readonly header: RecordHeader
  readonly bytes: Uint8Array
}

/**
 * Seals and opens draft records: AES-256-GCM under a cached data key, with a random 96-bit
 * IV, a 128-bit tag and the header, key reference and storage binding as AAD.
 */
export class Envelope extends Effect.Service<Envelope>()("claim-drafts/Envelope", {
  effect: Effect.gen(function* () {
    const config = yield* DraftsConfig
    const encryptionKeys = yield* makeEncryptionKeys({
      maxMessages: config.dataKeyMaxMessages,
      maxAge: config.dataKeyMaxAge
    })
    const decryptionKeys = yield* makeDecryptionKeys({
      maxEntries: config.unwrappedKeyCacheSize,
      ttl: config.unwrappedKeyCacheTtl
    })
    const random = makeRandomPool()

    /** Encrypts `plaintext` into a complete record; the caller may zero `plaintext` afterwards. */
    const seal = (
      key: DraftKey,
      fields: HeaderFields,
      plaintext: Uint8Array
    ): Effect.Effect<SealedRecord, KeyUnavailable> =>
      Effect.flatMap(encryptionKeys.acquire, (active) => {
        const header: RecordHeader = { ...fields, revision: random(revisionBytes) }
        const iv = random(ivBytes)
        const prefix = encodeSealedPrefix(header, active.reference)

        const cipher = createCipheriv("aes-256-gcm", active.key, iv, { authTagLength: tagBytes })
        cipher.setAAD(Buffer.concat([prefix, bindingOf(key)]))
        const ciphertext = cipher.update(plaintext)
        cipher.final()

        const bytes = Buffer.concat([prefix, iv, ciphertext, cipher.getAuthTag()])
        return Effect.as(decryptionKeys.prime(active.reference, active.key), { header, bytes })
      })

    /** Decrypts and authenticates a decoded record; any mismatch is an integrity failure. */
    const open = (
      key: DraftKey,
      record: DecodedRecord
    ): Effect.Effect<Buffer, IntegrityFailure | KeyUnavailable> => {
      const sealed = record.sealed
      if (sealed === undefined) return Effect.fail(new IntegrityFailure({ reason: "tombstone has no ciphertext" }))

      return Effect.flatMap(decryptionKeys.get(sealed.key), (dataKey) => {
        const opened = Either.try({
          try: () => {
            const decipher = createDecipheriv("aes-256-gcm", dataKey, sealed.iv, { authTagLength: tagBytes })
            decipher.setAAD(Buffer.concat([sealed.authenticatedPrefix, bindingOf(key)]))
            decipher.setAuthTag(sealed.tag)
            return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()])
          },
          catch: () => new IntegrityFailure({ reason: "authentication tag mismatch" })
        })
        return Either.isRight(opened) ? Effect.succeed(opened.right) : Effect.fail(opened.left)
      })
    }

    return { seal, open } as const
  })
}) {}
