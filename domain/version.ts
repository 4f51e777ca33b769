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
