import type { DraftKey } from "../domain/keys.ts"
import { draftPrefix } from "./durablePaths.ts"

/**
 * Durable objects of direct saves, the saves that go straight to the durable tier while the
 * hot tier is down:
 *
 *   <owner digest>/<draft digest>/successors/<16-digit inverted base seq>
 *   journal/<owner digest>/<draft digest>/<16-digit inverted seq>
 *
 * A successor object claims the succession of one version (base seq 0 when the draft has no
 * version), so only one direct save can replace it. It contains the new sealed record until that
 * record is stored under its version path, and is then emptied. `successors` sorts after
 * every 16-digit version name, so listing a draft's prefix still returns its newest version
 * first. A journal marker is empty and names a draft whose hot record may be older than a
 * direct save. The name `journal` is shorter than any digest, so it never collides with an owner.
 */

const maxSeq = Number.MAX_SAFE_INTEGER

export const journalPrefix = "journal/"

const inverted = (seq: number): string => String(maxSeq - seq).padStart(16, "0")

export const successorPath = (key: DraftKey, baseSeq: number): string => `${draftPrefix(key)}successors/${inverted(baseSeq)}`

export const journalPath = (key: DraftKey, seq: number): string => `${journalPrefix}${key.owner}/${key.draft}/${inverted(seq)}`

const successorPattern = /^([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)\/successors\/(\d{16})$/
const journalPattern = /^journal\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)\/(\d{16})$/

export interface ParsedPath {
  readonly key: DraftKey
  readonly seq: number
}

const parseWith = (pattern: RegExp, path: string): ParsedPath | undefined => {
  const match = pattern.exec(path)
  if (match === null) return undefined

  const [, owner, draft, invertedSeq] = match as unknown as [string, string, string, string]
  return { key: { owner, draft }, seq: maxSeq - Number(invertedSeq) }
}

/** Parses a successor path; `seq` is the base seq it claims. */
export const parseSuccessorPath = (path: string): ParsedPath | undefined => parseWith(successorPattern, path)

/** Parses a journal path; `seq` is the seq of the direct save that wrote it. */
export const parseJournalPath = (path: string): ParsedPath | undefined => parseWith(journalPattern, path)

/** A successor object emptied after its record reached its version path. */
export const emptiedSuccessor = new Uint8Array(0)

/** A superseded successor object is kept this long, far beyond any direct save still in flight. */
const successorRetentionMillis = 60 * 60 * 1000

/**
 * Returns the successor paths that no direct save can still need: those claiming a version
 * older than the newest one, when the newest was written more than an hour before `now`.
 * A seq is never below its write time in epoch ms, so the newest version, and every claim
 * that preceded it, is at least that old.
 * NOTE: a writer paused for more than an hour between reading a version and claiming it
 * could claim it a second time. The hour is an estimate, far above the S3 client's timeouts.
 */
export const staleSuccessors = (paths: ReadonlyArray<string>, newestSeq: number, now: number): Array<string> => {
  if (newestSeq >= now - successorRetentionMillis) return []
  return paths.filter((path) => (parseSuccessorPath(path)?.seq ?? newestSeq) < newestSeq)
}
