import type { RecordHeader, RecordKind } from "./record.ts"

const kindLetters: Record<RecordKind, string> = { draft: "d", submitted: "s", tombstone: "t" }
const lettersKind: Record<string, RecordKind> = { d: "draft", s: "submitted", t: "tombstone" }

/**
 * Letter of an unverified version in place of its kind letter. `fieldsOfEtag` does not read
 * it, so a save on top of an unverified version reads the record and stays unverified.
 */
const unverifiedLetter = "u"

/** The header fields an ETag carries besides the revision. */
export type TaggedFields = Pick<RecordHeader, "kind" | "seq" | "createdAt">

/**
 * Strong ETag of one write: `"<seq>-<createdAt>-<kind letter><revision>"`. The random
 * revision makes every write's tag unique, so a version restored from an older durable copy
 * and saved again never repeats a tag that named other content. The other fields are what a
 * replace needs from the version it replaces, so a save whose If-Match tag the hot tier
 * still contains can skip reading the record first (see `fieldsOfEtag`).
 */
export const etagOf = (header: Pick<RecordHeader, "kind" | "seq" | "createdAt" | "revision" | "unverified">): string => {
  const letter = header.unverified === true ? unverifiedLetter : kindLetters[header.kind]
  return `"${header.seq}-${header.createdAt}-${letter}${Buffer.from(header.revision).toString("base64url")}"`
}

const etagShape = /^"(\d{1,16})-(\d{1,16})-([dst])[\w-]{16}"$/

/**
 * Returns the fields of an ETag that `etagOf` made, or undefined for any other text. The fields are
 * only as trustworthy as the tag: a caller relies on them only after the hot tier confirmed
 * that the current record has exactly this tag.
 */
export const fieldsOfEtag = (etag: string): TaggedFields | undefined => {
  const parts = etagShape.exec(etag)
  if (parts === null) return undefined

  const seq = Number(parts[1])
  const createdAt = Number(parts[2])
  const kind = lettersKind[parts[3]!]
  return Number.isSafeInteger(seq) && Number.isSafeInteger(createdAt) && kind !== undefined ? { kind, seq, createdAt } : undefined
}

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
