import type { DraftKey } from "../domain/keys.ts"
import type { RecordKind } from "../domain/record.ts"

/**
 * Layout of the durable tier. Every version of a draft is its own object under the draft's
 * prefix, named so that ascending order lists the newest first:
 *
 *   <owner digest>/<draft digest>/<16-digit inverted seq>.<del|rec>
 *
 * A persist that arrives late therefore never hides a newer version, and a tombstone sorts
 * before a record of the same seq, so a delete is never undone by a persist in flight.
 */

const maxSeq = Number.MAX_SAFE_INTEGER

export const ownerPrefix = (owner: string): string => `${owner}/`

export const draftPrefix = (key: DraftKey): string => `${key.owner}/${key.draft}/`

export const versionPath = (key: DraftKey, seq: number, kind: RecordKind): string =>
  `${draftPrefix(key)}${String(maxSeq - seq).padStart(16, "0")}.${kind === "tombstone" ? "del" : "rec"}`

export interface VersionPath {
  readonly key: DraftKey
  readonly seq: number
  readonly tombstone: boolean
}

const versionPattern = /^([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)\/(\d{16})\.(del|rec)$/

/** Parses a path written by `versionPath`; other paths (foreign objects) return undefined. */
export const parseVersionPath = (path: string): VersionPath | undefined => {
  const match = versionPattern.exec(path)
  if (match === null) return undefined

  const [, owner, draft, inverted, suffix] = match as unknown as [string, string, string, string, string]
  return { key: { owner, draft }, seq: maxSeq - Number(inverted), tombstone: suffix === "del" }
}
