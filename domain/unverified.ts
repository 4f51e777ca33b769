import type { RecordHeader } from "./record.ts"

/** Decision on an unverified version that the write-behind loop is about to persist. */
export type UnverifiedResolution =
  /** Nothing durable conflicts with it: persist it as usual. */
  | "persist"
  /** The durable tier contains a version with an equal or higher seq, such as a later deletion. */
  | "discard-newer-version"
  /** The durable tier contains the draft submitted, and a submitted draft is read-only. */
  | "discard-submitted"
  /** The durable tier contains a live draft that the hot tier had lost, so the create should have failed. */
  | "discard-existing-draft"

/** The newest durable version of a draft, as far as the rule needs it. */
export interface DurableNewest {
  readonly header: RecordHeader
  /** False for tombstones and expired versions. */
  readonly live: boolean
}

const sameVersion = (a: RecordHeader, b: RecordHeader): boolean =>
  a.seq === b.seq && Buffer.from(a.revision).equals(Buffer.from(b.revision))

/**
 * Decides whether an unverified version may be persisted over the newest durable version.
 * It may when the durable tier contains nothing, a deletion or an expired version older than it,
 * or an earlier version of the same draft that passed this check before (same creation time).
 * Otherwise persisting it would hide a version the durable tier was trusted with, so it is
 * discarded. It was never reported durable.
 */
// NOTE: an unconditional save is judged like a create, so over a live durable draft it is
// discarded instead of replacing it, because its creation time would restart the maximum age.
export const resolveUnverified = (candidate: RecordHeader, durable: DurableNewest | undefined): UnverifiedResolution => {
  if (durable === undefined) return "persist"

  const newest = durable.header
  // An earlier attempt stored this very version but failed before marking it durable.
  if (sameVersion(newest, candidate)) return "persist"
  if (newest.seq >= candidate.seq) return "discard-newer-version"
  if (!durable.live) return "persist"

  // NOTE: an unrelated draft created in the same millisecond would pass too. Creation times of
  // a lost draft and of a later create differ unless instance clocks disagree.
  if (newest.kind === "draft" && newest.createdAt === candidate.createdAt) return "persist"
  return newest.kind === "submitted" ? "discard-submitted" : "discard-existing-draft"
}
