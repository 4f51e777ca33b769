import type { DraftId } from "../domain/ids.ts"

/**
 * The sealed plaintext: the draft id (so a listing can name drafts it finds only by digest)
 * followed by the document text.
 *
 *   u8 id length | id (UTF-8) | document (UTF-8)
 */
export const encodePayload = (draftId: DraftId, document: string): Buffer => {
  const idLength = Buffer.byteLength(draftId, "utf8")
  const bytes = Buffer.allocUnsafe(1 + idLength + Buffer.byteLength(document, "utf8"))
  bytes[0] = idLength
  bytes.write(draftId, 1, "utf8")
  bytes.write(document, 1 + idLength, "utf8")
  return bytes
}

export interface Payload {
  readonly draftId: string
  readonly document: string
}

/** Splits an authenticated payload; a malformed one returns undefined. */
export const decodePayload = (bytes: Buffer): Payload | undefined => {
  const idLength = bytes[0]
  if (idLength === undefined || idLength === 0 || 1 + idLength > bytes.length) return undefined
  return {
    draftId: bytes.toString("utf8", 1, 1 + idLength),
    document: bytes.toString("utf8", 1 + idLength)
  }
}
