import { Clock, Effect, Either, Option } from "effect"
import { decodeRecord, type RecordKind } from "../../domain/record.ts"
import { isExpired } from "../../domain/retention.ts"
import { parseVersionPath } from "../../programs/durablePaths.ts"
import { DurableStore } from "../../programs/ports/DurableStore.ts"

/**
 * Metadata of every record in the durable tier, read from the plaintext record headers only:
 * nothing here unwraps a key or decrypts a document, so it runs without key access.
 */

export interface RecordSummary {
  /** `<owner digest>/<draft digest>`: keyed digests that name neither the owner nor the draft id. */
  readonly draftKey: string
  readonly path: string
  readonly seq: number
  /** Absent when the record cannot be decoded. */
  readonly kind?: RecordKind
  readonly createdAt?: number
  readonly savedAt?: number
  readonly expiresAt?: number
  readonly sizeBytes: number
  /** The key that wrapped the data key; absent for tombstones. */
  readonly keyId?: string
  readonly status: "live" | "expired" | "deleted" | "unreadable"
  /** Reason an unreadable record failed to decode. */
  readonly problem?: string
}

export interface DurableInventory {
  readonly records: ReadonlyArray<RecordSummary>
  /** Objects under the store's root that are not draft records (foreign files). */
  readonly otherObjects: number
}

const summarize = (path: string, draftKey: string, seq: number, bytes: Uint8Array, now: number): RecordSummary => {
  const decoded = decodeRecord(bytes)
  if (Either.isLeft(decoded)) {
    return { draftKey, path, seq, sizeBytes: bytes.length, status: "unreadable", problem: decoded.left.reason }
  }

  const header = decoded.right.header
  const status = header.kind === "tombstone" ? "deleted" : isExpired(header, now) ? "expired" : "live"
  return {
    draftKey,
    path,
    seq: header.seq,
    kind: header.kind,
    createdAt: header.createdAt,
    savedAt: header.savedAt,
    expiresAt: header.expiresAt,
    sizeBytes: bytes.length,
    ...(decoded.right.sealed === undefined ? {} : { keyId: decoded.right.sealed.key.keyId }),
    status
  }
}

/** Reads every record's header; a record deleted between the listing and the read is skipped. */
export const readDurableInventory = Effect.gen(function* () {
  const durable = yield* DurableStore
  const now = yield* Clock.currentTimeMillis
  const paths = yield* durable.list("")

  let otherObjects = 0
  const versions = paths.flatMap((path) => {
    const parsed = parseVersionPath(path)
    if (parsed === undefined) otherObjects += 1
    return parsed === undefined ? [] : [{ path, parsed }]
  })

  const records = yield* Effect.forEach(
    versions,
    ({ parsed, path }) =>
      Effect.map(durable.get(path), (bytes) =>
        Option.map(bytes, (value) => summarize(path, `${parsed.key.owner}/${parsed.key.draft}`, parsed.seq, value, now))
      ),
    { concurrency: 8 }
  )

  return { records: records.flatMap(Option.toArray), otherObjects } satisfies DurableInventory
})
