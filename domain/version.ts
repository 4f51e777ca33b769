import type { RecordHeader } from "./record.ts"

/**
 * Strong ETag of one write: the sequence number and the write's random revision, so a
 * version restored from an older durable copy and saved again never repeats an ETag
 * that named other content.
 */
export const etagOf = (header: Pick<RecordHeader, "seq" | "revision">): string =>
  `"${header.seq}-${Buffer.from(header.revision).toString("base64url")}"`

/** Matches one strong entity tag; weak tags (`W/"..."`) never match, as RFC 9110 requires for If-Match. */
const strongTag = /^"[\x21\x23-\x7e]*"$/

export const isStrongEtag = (value: string): boolean => strongTag.test(value)

/**
 * The seq of a new write: one more than the version it replaces, and never less than the
 * write's time in epoch milliseconds (a hybrid logical clock). A version persisted late by a
 * stalled instance was created before any write that follows a hot-tier loss, so its seq is
 * lower and it can never replace, or sort above, a version written after the loss.
 * NOTE: this ordering assumes instance clocks agree to within the time between a save and
 * the next save that follows a hot-tier loss (normally seconds).
 */
export const nextSeq = (previousSeq: number | undefined, now: number): number => Math.max((previousSeq ?? 0) + 1, now)
