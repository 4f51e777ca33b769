import { createCipheriv, createDecipheriv, getRandomValues, type KeyObject } from "node:crypto"

/**
 * AES-256-GCM wrapping of a 32-byte data key under a key-encryption key. The layout is
 * iv (12 bytes) || ciphertext (32 bytes) || tag (16 bytes). The additional authenticated
 * data is a purpose label and the key id, so a wrapped key moved to another key id, or a
 * value wrapped by this keyring for another purpose, fails authentication.
 */

const purposeLabel = "claim-drafts/data-key"

const ivBytes = 12

const tagBytes = 16

export const dataKeyBytes = 32

export const wrappedKeyBytes = ivBytes + dataKeyBytes + tagBytes

const additionalData = (keyId: string): Buffer => Buffer.from(`${purposeLabel}\u0000${keyId}`, "utf8")

export const wrapDataKey = (kek: KeyObject, keyId: string, dataKey: Uint8Array): Uint8Array => {
  // A random 96-bit IV per wrap: NIST SP 800-38D allows 2^32 random IVs per key, and each
  // key wraps one data key per saved draft version.
  const iv = getRandomValues(new Uint8Array(ivBytes))
  const cipher = createCipheriv("aes-256-gcm", kek, iv, { authTagLength: tagBytes })
  cipher.setAAD(additionalData(keyId))

  const ciphertext = cipher.update(dataKey)
  const rest = cipher.final()

  const wrapped = new Uint8Array(wrappedKeyBytes)
  wrapped.set(iv, 0)
  wrapped.set(ciphertext, ivBytes)
  wrapped.set(rest, ivBytes + ciphertext.length)
  wrapped.set(cipher.getAuthTag(), ivBytes + dataKeyBytes)
  return wrapped
}

/**
 * Returns the data key as a new buffer owned by the caller, or undefined when the wrapped
 * key has the wrong length or fails authentication.
 */
export const unwrapDataKey = (kek: KeyObject, keyId: string, wrapped: Uint8Array): Uint8Array | undefined => {
  if (wrapped.length !== wrappedKeyBytes) return undefined

  const decipher = createDecipheriv("aes-256-gcm", kek, wrapped.subarray(0, ivBytes), { authTagLength: tagBytes })
  decipher.setAAD(additionalData(keyId))
  decipher.setAuthTag(wrapped.subarray(ivBytes + dataKeyBytes))

  const decrypted = decipher.update(wrapped.subarray(ivBytes, ivBytes + dataKeyBytes))
  try {
    decipher.final()
  } catch {
    decrypted.fill(0)
    return undefined
  }

  const dataKey = new Uint8Array(dataKeyBytes)
  dataKey.set(decrypted)
  decrypted.fill(0)
  return dataKey
}
