import type { DraftId, OwnerId } from "../../domain/ids.ts"

/**
 * The drill's bookkeeping of every write and every durability report, per draft.
 *
 * - attempted: a save, patch, submit or delete call was made.
 * - acknowledged: the call succeeded; the ledger keeps the ETag it returned.
 * - durable: a flush, load or list reported `durable: true` for that ETag, or a submit or
 *   delete reported `durable: true`.
 * - lost: a durable version that a later read could not return, because the read found
 *   nothing or found a version written before it.
 * - rolled back: an acknowledged version, never reported durable, that a later read could
 *   not return. The durability contract allows this when the hot tier loses data.
 */

export type WriteKind = "version" | "tombstone"

/** One write of a draft, in the order the claimant made it. */
export interface LedgerEntry {
  /** Position in the scenario's single sequence of ledger events; later writes have larger values. */
  readonly order: number
  readonly kind: WriteKind
  /** Canonical JSON of the document the write stores; absent for tombstones and versions seen only by ETag. */
  readonly content: string | undefined
  etag: string | undefined
  acknowledged: boolean
  durable: boolean
  lost: boolean
  rolledBack: boolean
}

/** What a read returned, reduced to what the ledger compares. */
export type Observation =
  /** `content` is absent for reads that return metadata only (flush, list). */
  | { readonly _tag: "found"; readonly etag: string; readonly content: string | undefined; readonly durable: boolean }
  | { readonly _tag: "not-found" }

export class DraftLedger {
  readonly entries: Array<LedgerEntry> = []
  /** The claimant's number, which names the draft in problems and errors. */
  readonly index: number
  readonly owner: OwnerId
  readonly draftId: DraftId

  constructor(index: number, owner: OwnerId, draftId: DraftId) {
    this.index = index
    this.owner = owner
    this.draftId = draftId
  }

  byEtag(etag: string): LedgerEntry | undefined {
    return this.entries.find((entry) => entry.etag === etag)
  }

  /** Returns the newest write reported durable, or undefined while none is. */
  newestDurable(): LedgerEntry | undefined {
    return this.entries.findLast((entry) => entry.durable)
  }
}

export interface LedgerCounts {
  attempted: number
  acknowledged: number
  durable: number
  lost: number
  /** Calls that failed with 503 (StoreUnavailable or KeyUnavailable). */
  unavailable: number
  /** Reloads after a 412 or 404, when the claimant's version was no longer current. */
  resyncs: number
  /** Acknowledged versions, never reported durable, that a later read could not return. */
  rolledBack: number
  /** Flush or list results naming a version the ledger cannot identify, so not checked. */
  unverified: number
}

/** Sorts object keys at every level, so documents compare by value whatever their key order. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) return item

    const entries = Object.entries(item as Record<string, unknown>)
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return Object.fromEntries(entries)
  })

export class Ledger {
  private order = 0
  readonly drafts: Array<DraftLedger> = []
  readonly counts: LedgerCounts = { attempted: 0, acknowledged: 0, durable: 0, lost: 0, unavailable: 0, resyncs: 0, rolledBack: 0, unverified: 0 }
  /** Lost versions and anomalies, described by claimant number and ETag only, never by content. */
  readonly problems: Array<string> = []
  /** Failures that are neither a 503 nor a precondition the claimant recovers from. */
  readonly errors: Array<string> = []

  openDraft(owner: OwnerId, draftId: DraftId): DraftLedger {
    const draft = new DraftLedger(this.drafts.length, owner, draftId)
    this.drafts.push(draft)
    return draft
  }

  attempt(draft: DraftLedger, kind: WriteKind, content: string | undefined): LedgerEntry {
    const entry: LedgerEntry = {
      order: this.order++,
      kind,
      content,
      etag: undefined,
      acknowledged: false,
      durable: false,
      lost: false,
      rolledBack: false
    }
    draft.entries.push(entry)
    this.counts.attempted += 1
    return entry
  }

  /**
   * Records a successful write. A retried submit returns the version an earlier attempt
   * created; that version's entry is acknowledged instead of a second one.
   */
  acknowledge(draft: DraftLedger, entry: LedgerEntry, etag: string | undefined, durable: boolean): void {
    const earlier = etag === undefined ? undefined : draft.byEtag(etag)
    const target = earlier ?? entry
    target.etag = etag
    if (!target.acknowledged) {
      target.acknowledged = true
      this.counts.acknowledged += 1
    }
    if (durable) this.markDurable(target)
  }

  recordError(draft: DraftLedger, description: string): void {
    this.errors.push(`claimant ${draft.index}: ${description}`)
  }

  /**
   * Checks a read against the ledger: it must return the newest version reported durable or
   * a write made after it, with the content that write stored. Otherwise every durable
   * version newer than what the read returned is counted as lost. Returns the entry read.
   */
  observe(draft: DraftLedger, observation: Observation, source: string): LedgerEntry | undefined {
    const newestDurable = draft.newestDurable()

    if (observation._tag === "not-found") {
      const lastTombstone = draft.entries.findLast((entry) => entry.kind === "tombstone")
      if (newestDurable !== undefined && (lastTombstone === undefined || lastTombstone.order < newestDurable.order)) {
        this.loseNewerThan(draft, lastTombstone?.order ?? -1, `${source} found no draft`)
      }
      this.rollBackNewerThan(draft, lastTombstone?.order ?? -1)
      return undefined
    }

    const entry = this.identify(draft, observation, source)
    if (entry === undefined) return undefined
    if (newestDurable !== undefined && entry.order < newestDurable.order) {
      this.loseNewerThan(draft, entry.order, `${source} returned ${observation.etag}`)
    }
    this.rollBackNewerThan(draft, entry.order)
    if (observation.durable) this.markDurable(entry)
    return entry
  }

  /**
   * Finds the write a read returned: by ETag, else the newest unacknowledged attempt with the
   * same content (a write that landed although its call failed, such as a 503 after the
   * hot tier applied it), else a new entry flagged as an unexplained version.
   */
  private identify(
    draft: DraftLedger,
    observation: Extract<Observation, { _tag: "found" }>,
    source: string
  ): LedgerEntry | undefined {
    const known = draft.byEtag(observation.etag)
    if (known !== undefined) {
      if (known.content !== undefined && observation.content !== undefined && known.content !== observation.content) {
        this.problems.push(`claimant ${draft.index}: ${source} returned ${observation.etag} with other content than was written`)
        this.errors.push(`claimant ${draft.index}: content of ${observation.etag} differs from what was written`)
      }
      return known
    }
    if (observation.content === undefined) {
      // A flush or list that names a version no load has shown yet: nothing to compare it with.
      this.counts.unverified += 1
      return undefined
    }

    const landed = draft.entries.findLast(
      (entry) => !entry.acknowledged && entry.etag === undefined && entry.content === observation.content
    )
    if (landed !== undefined) {
      landed.etag = observation.etag
      return landed
    }

    this.problems.push(`claimant ${draft.index}: ${source} returned ${observation.etag}, which no write of the drill produced`)
    this.errors.push(`claimant ${draft.index}: unexplained version ${observation.etag}`)
    const entry: LedgerEntry = {
      order: this.order++,
      kind: "version",
      content: observation.content,
      etag: observation.etag,
      acknowledged: false,
      durable: false,
      lost: false,
      rolledBack: false
    }
    draft.entries.push(entry)
    return entry
  }

  private markDurable(entry: LedgerEntry): void {
    if (entry.durable) return
    entry.durable = true
    this.counts.durable += 1
  }

  private rollBackNewerThan(draft: DraftLedger, order: number): void {
    for (const entry of draft.entries) {
      if (!entry.acknowledged || entry.durable || entry.rolledBack || entry.order <= order) continue
      entry.rolledBack = true
      this.counts.rolledBack += 1
    }
  }

  private loseNewerThan(draft: DraftLedger, order: number, what: string): void {
    for (const entry of draft.entries) {
      if (!entry.durable || entry.lost || entry.order <= order) continue
      entry.lost = true
      this.counts.lost += 1
      this.problems.push(
        `claimant ${draft.index}: durable ${entry.kind} ${entry.etag ?? "(tombstone)"} lost: ${what}`
      )
    }
  }
}
