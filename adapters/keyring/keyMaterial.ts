import { Effect } from "effect"
import type { SecretsShape } from "../../programs/ports/Secrets.ts"
import { KeyConfigError } from "../KeyConfigError.ts"

/** An AES-256 key-encryption key of the local keyring. */
export interface KeyEncryptionKey {
  /** Stored beside every data key it wraps; 1 to 64 characters from A-Z a-z 0-9 . _ - */
  readonly id: string
  /** 32 raw key bytes. */
  readonly key: Uint8Array
}

/** Everything a local keyring starts from: its keys and the secrets kept with them. */
export interface KeyringMaterial {
  /** The first key wraps new data keys; every key unwraps. */
  readonly keys: ReadonlyArray<KeyEncryptionKey>
  readonly secrets: SecretsShape
  /** True for a generated development key file, which must never protect real claims. */
  readonly development: boolean
}

export const keyEncryptionKeyBytes = 32

/** Minimum length of the storage-key and token-signing secrets, in bytes (HS256 wants 256 bits). */
export const minSecretBytes = 32

const keyIdPattern = /^[A-Za-z0-9._-]{1,64}$/

const base64Pattern = /^[A-Za-z0-9+/_-]+={0,2}$/

const generateHint = "Generate a value with `openssl rand -base64 32`."

/**
 * Decodes standard or URL-safe base64 into a fresh buffer that is not a slice of Node's
 * shared pool, so the caller can zero it without touching other data.
 */
export const decodeBase64 = (text: string): Uint8Array | undefined => {
  const trimmed = text.trim()
  if (!base64Pattern.test(trimmed)) return undefined

  const decoded = Buffer.from(trimmed, "base64")
  const copy = new Uint8Array(decoded.length)
  copy.set(decoded)
  decoded.fill(0)
  return copy
}

/** Decodes a base64 secret of at least `minSecretBytes`; `source` names the variable or file field. */
export const decodeSecret = (source: string, text: string): Effect.Effect<Uint8Array, KeyConfigError> => {
  const bytes = decodeBase64(text)
  if (bytes === undefined) {
    return Effect.fail(new KeyConfigError({ source, problem: "the value is not valid base64", fix: generateHint }))
  }

  if (bytes.length < minSecretBytes) {
    bytes.fill(0)
    return Effect.fail(
      new KeyConfigError({
        source,
        problem: `the secret is ${bytes.length} bytes, at least ${minSecretBytes} are required`,
        fix: generateHint
      })
    )
  }
  return Effect.succeed(bytes)
}

/** Validates one key id and its base64 key; `source` names the variable or file field. */
export const decodeKeyEncryptionKey = (
  source: string,
  id: string,
  base64Key: string
): Effect.Effect<KeyEncryptionKey, KeyConfigError> => {
  if (!keyIdPattern.test(id)) {
    return Effect.fail(
      new KeyConfigError({
        source,
        problem: "a key id is invalid",
        fix: "Use 1 to 64 characters from A-Z a-z 0-9 . _ - for every key id."
      })
    )
  }

  const key = decodeBase64(base64Key)
  if (key === undefined) {
    return Effect.fail(
      new KeyConfigError({ source, problem: `the key of key id ${id} is not valid base64`, fix: generateHint })
    )
  }
  if (key.length !== keyEncryptionKeyBytes) {
    key.fill(0)
    return Effect.fail(
      new KeyConfigError({
        source,
        problem: `the key of key id ${id} is ${key.length} bytes, AES-256 needs exactly ${keyEncryptionKeyBytes}`,
        fix: generateHint
      })
    )
  }
  return Effect.succeed({ id, key })
}

/** Rejects an empty list and repeated key ids, which would make unwrapping ambiguous. */
export const checkKeyList = (
  source: string,
  keys: ReadonlyArray<KeyEncryptionKey>
): Effect.Effect<ReadonlyArray<KeyEncryptionKey>, KeyConfigError> => {
  if (keys.length === 0) {
    return Effect.fail(
      new KeyConfigError({ source, problem: "no key is listed", fix: "List at least one key; the first one encrypts." })
    )
  }

  const seen = new Set<string>()
  for (const { id } of keys) {
    if (seen.has(id)) {
      return Effect.fail(
        new KeyConfigError({
          source,
          problem: `key id ${id} is listed twice`,
          fix: "Give every key its own id; an id names one key for as long as data wrapped under it exists."
        })
      )
    }
    seen.add(id)
  }
  return Effect.succeed(keys)
}

/** Zeroes the raw bytes of keys once they are imported or no longer needed. */
export const zeroKeys = (keys: ReadonlyArray<KeyEncryptionKey>): void => {
  for (const { key } of keys) key.fill(0)
}
