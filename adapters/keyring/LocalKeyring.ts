import { createSecretKey, getRandomValues, type KeyObject } from "node:crypto"
import { type ConfigError, Context, Effect, Layer } from "effect"
import { IntegrityFailure } from "../../domain/errors.ts"
import type { KeyReference } from "../../domain/record.ts"
import { KeyProvider, type KeyProviderShape } from "../../programs/ports/KeyProvider.ts"
import { Secrets } from "../../programs/ports/Secrets.ts"
import type { KeyConfigError } from "../KeyConfigError.ts"
import { checkKeyList, keyEncryptionKeyBytes, type KeyEncryptionKey, type KeyringMaterial, zeroKeys } from "./keyMaterial.ts"
import { loadKeyringMaterial } from "./keyringMaterial.ts"
import { dataKeyBytes, unwrapDataKey, wrapDataKey } from "./keyWrap.ts"

/**
 * Creates a KeyProvider over AES-256 key-encryption keys held in process memory. The first
 * key wraps new data keys and every listed key unwraps, so a new key can be put first while
 * older drafts still open.
 */
export const make = (
  keys: ReadonlyArray<KeyEncryptionKey>
): Effect.Effect<KeyProviderShape, KeyConfigError> =>
  Effect.gen(function*() {
    yield* checkKeyList("local keyring", keys)

    // Precondition: every key is exactly 32 bytes; createSecretKey would accept any length.
    const wrongLength = keys.find(({ key }) => key.length !== keyEncryptionKeyBytes)
    if (wrongLength !== undefined) {
      return yield* Effect.die(new RangeError(`key ${wrongLength.id} is ${wrongLength.key.length} bytes, expected 32`))
    }

    // KeyObjects copy the key bytes into memory the caller's buffers do not share, so the
    // caller may zero its buffers once this returns.
    const byId = new Map<string, KeyObject>(keys.map(({ id, key }) => [id, createSecretKey(key)]))
    const encryptingId = keys[0]!.id
    const encryptingKey = byId.get(encryptingId)!

    const generateDataKey = Effect.sync(() => {
      const plaintext = getRandomValues(new Uint8Array(dataKeyBytes))
      return { keyId: encryptingId, plaintext, wrappedKey: wrapDataKey(encryptingKey, encryptingId, plaintext) }
    })

    const unwrap = (reference: KeyReference) =>
      Effect.suspend(() => {
        const kek = byId.get(reference.keyId)
        if (kek === undefined) {
          return Effect.fail(new IntegrityFailure({ reason: "the wrapped data key names a key id the keyring does not contain" }))
        }

        const plaintext = unwrapDataKey(kek, reference.keyId, reference.wrappedKey)
        return plaintext === undefined
          ? Effect.fail(new IntegrityFailure({ reason: "the wrapped data key failed authentication" }))
          : Effect.succeed(plaintext)
      })

    return { generateDataKey, unwrapDataKey: unwrap }
  })

const services = (material: KeyringMaterial) =>
  Effect.map(make(material.keys), (provider) => Context.make(KeyProvider, provider).pipe(Context.add(Secrets, material.secrets)))

/** Provides the keyring and the secrets stored with it. The caller keeps and zeroes the raw key bytes. */
export const layer = (material: KeyringMaterial): Layer.Layer<KeyProvider | Secrets, KeyConfigError> =>
  Layer.effectContext(services(material))

/**
 * Reads the keyring from CLAIM_DRAFTS_LOCAL_KEYS or CLAIM_DRAFTS_KEY_FILE; with neither set,
 * loads or creates the development key file outside the data directory and logs a warning.
 * docs/keys.md describes every variable and the file format.
 */
export const layerConfig: Layer.Layer<KeyProvider | Secrets, KeyConfigError | ConfigError.ConfigError> = Layer
  .effectContext(
    Effect.flatMap(loadKeyringMaterial, (material) =>
      services(material).pipe(Effect.ensuring(Effect.sync(() => zeroKeys(material.keys)))))
  )
