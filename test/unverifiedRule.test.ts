import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { decodeRecord, encodeSealedPrefix, encodeTombstone, ivBytes, type RecordHeader, tagBytes } from "../domain/record.ts"
import { etagOf, fieldsOfEtag } from "../domain/version.ts"
import { type DurableNewest, resolveUnverified, type UnverifiedResolution } from "../domain/unverified.ts"

const header = (fields: Partial<RecordHeader> & Pick<RecordHeader, "seq">): RecordHeader => ({
  kind: "draft",
  revision: new Uint8Array(12).fill(fields.seq % 251),
  createdAt: 1_000,
  savedAt: fields.seq,
  expiresAt: 10_000_000,
  ...fields
})

const candidate = header({ seq: 50_002, createdAt: 50_000, unverified: true })

const cases: ReadonlyArray<{ readonly name: string; readonly durable: DurableNewest | undefined; readonly expected: UnverifiedResolution }> = [
  { name: "nothing durable", durable: undefined, expected: "persist" },
  { name: "the candidate itself", durable: { header: candidate, live: true }, expected: "persist" },
  {
    name: "same seq, other revision",
    durable: { header: header({ seq: 50_002, revision: new Uint8Array(12).fill(7) }), live: true },
    expected: "discard-newer-version"
  },
  { name: "newer tombstone", durable: { header: header({ seq: 60_000, kind: "tombstone" }), live: false }, expected: "discard-newer-version" },
  { name: "older tombstone", durable: { header: header({ seq: 40_000, kind: "tombstone" }), live: false }, expected: "persist" },
  { name: "older expired draft", durable: { header: header({ seq: 40_000, expiresAt: 45_000 }), live: false }, expected: "persist" },
  { name: "older live draft", durable: { header: header({ seq: 40_000 }), live: true }, expected: "discard-existing-draft" },
  { name: "older submitted draft", durable: { header: header({ seq: 40_000, kind: "submitted" }), live: true }, expected: "discard-submitted" },
  {
    name: "earlier version of this draft",
    durable: { header: header({ seq: 50_000, createdAt: 50_000, unverified: true }), live: true },
    expected: "persist"
  }
]

describe("resolveUnverified", () => {
  for (const { name, durable, expected } of cases) {
    it(name, () => {
      expect(resolveUnverified(candidate, durable)).toBe(expected)
    })
  }
})

/** A sealed record of `header` with zero IV, ciphertext and tag: enough to decode, not to open. */
const sealedBytes = (recordHeader: RecordHeader) =>
  Buffer.concat([
    encodeSealedPrefix(recordHeader, { keyId: "kek-1", wrappedKey: new Uint8Array(40) }),
    new Uint8Array(ivBytes + 8 + tagBytes)
  ])

describe("unverified flag in the record header", () => {
  it("round-trips on a draft", () => {
    const decoded = Either.getOrThrow(decodeRecord(sealedBytes(candidate)))
    expect(decoded.header.unverified).toBe(true)
    expect(decoded.header.kind).toBe("draft")
  })

  it("is absent from records without it", () => {
    const plain = header({ seq: 7 })
    const bytes = sealedBytes(plain)
    expect(bytes[3]).toBe(1)
    expect("unverified" in Either.getOrThrow(decodeRecord(bytes)).header).toBe(false)
  })

  it("gives the ETag no readable fields", () => {
    const etag = etagOf(candidate)
    expect(etag).toMatch(/^"50002-50000-u[\w-]{16}"$/)
    expect(fieldsOfEtag(etag)).toBeUndefined()
    expect(fieldsOfEtag(etagOf({ ...candidate, unverified: false }))).toEqual({ kind: "draft", seq: 50_002, createdAt: 50_000 })
  })

  it("makes a tombstone invalid", () => {
    const bytes = encodeTombstone(header({ seq: 7, kind: "tombstone" }))
    bytes[3] = 0x83
    expect(Either.isLeft(decodeRecord(bytes))).toBe(true)
  })
})
