import { Either } from "effect"
import { IntegrityFailure } from "./errors.ts"

/**
 * The stored form of one draft version: a plaintext header of non-personal metadata,
 * followed (except for tombstones) by the key reference and the AES-256-GCM ciphertext.
 * docs/envelope.md describes every byte. The whole header is part of the additional
 * authenticated data, so editing a time, the version or the key id fails decryption.
 */

export const formatVersion = 1
export const magic = [0x43, 0x44] as const // "CD"
export const revisionBytes = 12
export const ivBytes = 12
export const tagBytes = 16

export type RecordKind = "draft" | "submitted" | "tombstone"

const kindCodes: Record<RecordKind, number> = { draft: 1, submitted: 2, tombstone: 3 }

/** High bit of the kind byte: set on unverified records. Records written before the flag have it clear. */
// NOTE: code from before this flag reads a flagged record as an integrity failure, so every
// instance must be upgraded before any of them writes one.
const unverifiedFlag = 0x80

export interface RecordHeader {
  readonly kind: RecordKind
  /** Write sequence number, starting at 1 for the first save of a draft id. */
  readonly seq: number
  /** Random bytes of this write, so two writes with one `seq` never share an ETag. */
  readonly revision: Uint8Array
  /** Epoch milliseconds of the first save. */
  readonly createdAt: number
  /** Epoch milliseconds of this write (the submission time for a submitted draft). */
  readonly savedAt: number
  /** Epoch milliseconds after which the record reads as not found. */
  readonly expiresAt: number
  /**
   * True on a version written while the durable tier could not say whether the draft already
   * existed. It matters only while the version is not durable: the write-behind loop checks
   * the durable tier before persisting it (docs/durability.md). Never set on tombstones.
   */
  readonly unverified?: boolean
}

export interface KeyReference {
  readonly keyId: string
  readonly wrappedKey: Uint8Array
}

/** A decoded record; `sealed` is absent for tombstones. */
export interface DecodedRecord {
  readonly header: RecordHeader
  readonly sealed?: {
    readonly key: KeyReference
    /** The bytes before the IV: header and key reference, authenticated as AAD. */
    readonly authenticatedPrefix: Uint8Array
    readonly iv: Uint8Array
    readonly ciphertext: Uint8Array
    readonly tag: Uint8Array
  }
}

const fixedHeaderBytes = 2 + 1 + 1 + 8 + revisionBytes + 8 + 8 + 8

const writeHeader = (view: DataView, bytes: Uint8Array, header: RecordHeader): number => {
  bytes[0] = magic[0]
  bytes[1] = magic[1]
  bytes[2] = formatVersion
  bytes[3] = kindCodes[header.kind] | (header.unverified === true ? unverifiedFlag : 0)
  view.setBigUint64(4, BigInt(header.seq))
  bytes.set(header.revision, 12)
  view.setBigUint64(12 + revisionBytes, BigInt(header.createdAt))
  view.setBigUint64(20 + revisionBytes, BigInt(header.savedAt))
  view.setBigUint64(28 + revisionBytes, BigInt(header.expiresAt))
  return fixedHeaderBytes
}

/** Encodes the header and key reference: the prefix that precedes the IV in a sealed record. */
export const encodeSealedPrefix = (header: RecordHeader, key: KeyReference): Uint8Array => {
  const keyId = Buffer.from(key.keyId, "utf8")
  if (keyId.length === 0 || keyId.length > 255) {
    throw new RangeError(`key id must be 1 to 255 bytes, got ${keyId.length}`)
  }
  if (key.wrappedKey.length > 0xffff) {
    throw new RangeError(`wrapped key must be at most 65535 bytes, got ${key.wrappedKey.length}`)
  }

  const bytes = Buffer.allocUnsafe(fixedHeaderBytes + 1 + keyId.length + 2 + key.wrappedKey.length)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = writeHeader(view, bytes, header)

  bytes[offset] = keyId.length
  bytes.set(keyId, offset + 1)
  offset += 1 + keyId.length
  view.setUint16(offset, key.wrappedKey.length)
  bytes.set(key.wrappedKey, offset + 2)
  return bytes
}

export const encodeTombstone = (header: RecordHeader): Uint8Array => {
  const bytes = Buffer.allocUnsafe(fixedHeaderBytes)
  writeHeader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes, header)
  return bytes
}

const kindOf = (code: number | undefined): RecordKind | undefined => {
  switch (code) {
    case 1:
      return "draft"
    case 2:
      return "submitted"
    case 3:
      return "tombstone"
    default:
      return undefined
  }
}

const failure = (reason: string) => Either.left(new IntegrityFailure({ reason }))

const readSafeInteger = (view: DataView, offset: number): number | undefined => {
  const value = view.getBigUint64(offset)
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined
}

/** Decodes a stored record without decrypting it; any malformed byte is an integrity failure. */
export const decodeRecord = (bytes: Uint8Array): Either.Either<DecodedRecord, IntegrityFailure> => {
  if (bytes.length < fixedHeaderBytes) return failure("record shorter than its header")
  if (bytes[0] !== magic[0] || bytes[1] !== magic[1]) return failure("unknown record magic")
  if (bytes[2] !== formatVersion) return failure("unsupported format version")

  const kindByte = bytes[3] ?? 0
  const kind = kindOf(kindByte & ~unverifiedFlag)
  if (kind === undefined) return failure("unknown record kind")
  const unverified = (kindByte & unverifiedFlag) !== 0
  if (unverified && kind === "tombstone") return failure("tombstone marked unverified")

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const seq = readSafeInteger(view, 4)
  const createdAt = readSafeInteger(view, 12 + revisionBytes)
  const savedAt = readSafeInteger(view, 20 + revisionBytes)
  const expiresAt = readSafeInteger(view, 28 + revisionBytes)
  if (seq === undefined || createdAt === undefined || savedAt === undefined || expiresAt === undefined) {
    return failure("header number out of range")
  }

  const header: RecordHeader = {
    kind,
    seq,
    revision: bytes.subarray(12, 12 + revisionBytes),
    createdAt,
    savedAt,
    expiresAt,
    ...(unverified ? { unverified } : {})
  }
  if (kind === "tombstone") {
    return bytes.length === fixedHeaderBytes ? Either.right({ header }) : failure("tombstone has trailing bytes")
  }

  let offset = fixedHeaderBytes
  const keyIdLength = bytes[offset] ?? 0
  if (keyIdLength === 0) return failure("missing key id")
  // Precondition: the key id and the wrapped key length lie inside the record, so a corrupt
  // length byte can neither throw nor read the memory that follows the record in its buffer.
  if (offset + 1 + keyIdLength + 2 > bytes.length) return failure("record truncated in key reference")
  const keyId = Buffer.from(bytes.buffer, bytes.byteOffset + offset + 1, keyIdLength).toString("utf8")
  offset += 1 + keyIdLength

  const wrappedLength = view.getUint16(offset)
  offset += 2
  const ivOffset = offset + wrappedLength
  if (ivOffset + ivBytes + tagBytes > bytes.length) return failure("record truncated before ciphertext")

  return Either.right({
    header,
    sealed: {
      key: { keyId, wrappedKey: bytes.subarray(offset, ivOffset) },
      authenticatedPrefix: bytes.subarray(0, ivOffset),
      iv: bytes.subarray(ivOffset, ivOffset + ivBytes),
      ciphertext: bytes.subarray(ivOffset + ivBytes, bytes.length - tagBytes),
      tag: bytes.subarray(bytes.length - tagBytes)
    }
  })
}
