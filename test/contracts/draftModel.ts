import { Duration } from "effect"
import type { DraftsConfigShape } from "../../programs/DraftsConfig.ts"

/**
 * A reference model of the draft programs: what every read and write must return, written
 * as plainly as possible and without the programs' code. It tracks, per draft, the version
 * in the hot tier (with its write-behind state) and the newest version in the durable tier.
 * Hot records end at their draft's expiry, as the hot store's TTL makes them do.
 */

export type VersionKind = "draft" | "submitted" | "tombstone"

export interface ModelVersion {
  readonly kind: VersionKind
  /** The document text; empty for tombstones. */
  readonly document: string
  readonly seq: number
  /** The ETag the programs returned for this version; empty for tombstones, whose ETag is never shown. */
  readonly etag: string
  readonly createdAt: number
  readonly savedAt: number
  readonly expiresAt: number
}

interface Pending {
  readonly firstUnpersistedAt: number
  readonly dueAt: number
}

interface HotCopy {
  readonly version: ModelVersion
  readonly durable: boolean
  readonly pending: Pending | undefined
}

interface DraftState {
  hot: HotCopy | undefined
  durable: ModelVersion | undefined
}

export type ModelPrecondition =
  | { readonly _tag: "Create" }
  | { readonly _tag: "Replace"; readonly etag: string }
  | { readonly _tag: "Unconditional" }

/** An expected failure: the error tag and the fields a test compares. */
export interface ExpectedFailure {
  readonly ok: false
  readonly tag: string
  readonly fields?: Readonly<Record<string, unknown>>
}

export interface ExpectedSuccess<A> {
  readonly ok: true
  readonly value: A
}

export type Expected<A> = ExpectedFailure | ExpectedSuccess<A>

/** What a read returns about the current version. */
export interface ModelRead {
  readonly version: ModelVersion
  readonly tier: "hot" | "durable"
  readonly durable: boolean
}

/** A write the model accepted: the version's fields, waiting for the ETag the programs chose. */
export interface PlannedWrite {
  readonly version: Omit<ModelVersion, "etag">
  readonly commit: (etag: string) => ModelVersion
}

const fail = (tag: string, fields?: Record<string, unknown>): ExpectedFailure =>
  fields === undefined ? { ok: false, tag } : { ok: false, tag, fields }

const succeed = <A>(value: A): ExpectedSuccess<A> => ({ ok: true, value })

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Sets an own property even when the name is `__proto__`, as JSON.parse does. */
const setMember = (target: Record<string, unknown>, name: string, value: unknown): void => {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true })
}

/** RFC 7386 JSON Merge Patch. */
export const mergePatch = (target: unknown, patch: unknown): unknown => {
  if (!isObject(patch)) return patch

  const result: Record<string, unknown> = {}
  if (isObject(target)) {
    for (const [name, value] of Object.entries(target)) setMember(result, name, value)
  }
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[name]
    } else {
      const existing = Object.hasOwn(result, name) ? result[name] : undefined
      setMember(result, name, mergePatch(existing, value))
    }
  }
  return result
}

/** Nesting depth: each array or object counts one level, scalars none. */
export const depthOf = (value: unknown): number => {
  if (typeof value !== "object" || value === null) return 0
  const children = Object.values(value).map(depthOf)
  return 1 + Math.max(0, ...children)
}

const byteLength = (text: string): number => Buffer.byteLength(text, "utf8")

export class DraftModel {
  now: number
  private readonly drafts = new Map<number, DraftState>()
  private readonly idle: number
  private readonly maxAge: number
  private readonly grace: number
  private readonly debounce: number
  private readonly maxDelay: number

  private readonly config: DraftsConfigShape

  constructor(config: DraftsConfigShape, start: number) {
    this.config = config
    this.now = start
    this.idle = Duration.toMillis(config.idleRetention)
    this.maxAge = Duration.toMillis(config.maxAge)
    this.grace = Duration.toMillis(config.submitGrace)
    this.debounce = Duration.toMillis(config.persistDebounce)
    this.maxDelay = Duration.toMillis(config.persistMaxDelay)
  }

  private state(draft: number): DraftState {
    let state = this.drafts.get(draft)
    if (state === undefined) {
      state = { hot: undefined, durable: undefined }
      this.drafts.set(draft, state)
    }
    return state
  }

  /** Moves the clock; hot records whose draft expired leave the hot tier. */
  advance(millis: number): void {
    this.now += millis
    for (const state of this.drafts.values()) {
      if (state.hot !== undefined && this.now >= state.hot.version.expiresAt) state.hot = undefined
    }
  }

  /** Returns the newest record of a draft, live or not: the hot copy, else the durable one. */
  current(draft: number): ModelRead | undefined {
    const state = this.state(draft)
    if (state.hot !== undefined) return { version: state.hot.version, tier: "hot", durable: state.hot.durable }
    if (state.durable !== undefined) return { version: state.durable, tier: "durable", durable: true }
    return undefined
  }

  live(draft: number): ModelRead | undefined {
    const current = this.current(draft)
    if (current === undefined || current.version.kind === "tombstone" || this.now >= current.version.expiresAt) {
      return undefined
    }
    return current
  }

  private checkPrecondition(precondition: ModelPrecondition, live: ModelRead | undefined): ExpectedFailure | undefined {
    switch (precondition._tag) {
      case "Create":
        return live === undefined ? undefined : fail("PreconditionFailed", { reason: "already-exists" })
      case "Replace":
        if (live === undefined) return fail("PreconditionFailed", { reason: "no-current-version" })
        return live.version.etag === precondition.etag ? undefined : fail("PreconditionFailed", { reason: "stale-version" })
      case "Unconditional":
        return undefined
    }
  }

  /** Plans the next version of a draft in the hot tier, pending for the write-behind loop. */
  private planWrite(draft: number, version: Omit<ModelVersion, "etag">): PlannedWrite {
    const state = this.state(draft)
    const queued = state.hot?.pending
    const firstUnpersistedAt = queued?.firstUnpersistedAt ?? this.now
    const pending = {
      firstUnpersistedAt,
      dueAt: Math.min(this.now + this.debounce, firstUnpersistedAt + this.maxDelay)
    }

    return {
      version,
      commit: (etag) => {
        const written = { ...version, etag }
        state.hot = { version: written, durable: false, pending }
        return written
      }
    }
  }

  private nextDraftVersion(draft: number, document: string): Omit<ModelVersion, "etag"> {
    const current = this.current(draft)
    const live = this.live(draft)
    const createdAt = live?.version.createdAt ?? this.now
    return {
      kind: "draft",
      document,
      seq: Math.max((current?.version.seq ?? 0) + 1, this.now),
      createdAt,
      savedAt: this.now,
      expiresAt: Math.min(this.now + this.idle, createdAt + this.maxAge)
    }
  }

  private validate(value: unknown, text: string, field: string): ExpectedFailure | undefined {
    if (!isObject(value)) return fail("InvalidDocument", { field })
    if (byteLength(text) > this.config.maxDocumentBytes) return fail("DraftTooLarge", { field })
    if (depthOf(value) > this.config.maxDepth) return fail("InvalidDocument", { field })
    return undefined
  }

  save(draft: number, body: string, precondition: ModelPrecondition): Expected<PlannedWrite> {
    if (byteLength(body) > this.config.maxDocumentBytes) return fail("DraftTooLarge", { field: "body" })
    const invalid = this.validate(JSON.parse(body), body, "body")
    if (invalid !== undefined) return invalid

    const live = this.live(draft)
    const rejected = this.checkPrecondition(precondition, live)
    if (rejected !== undefined) return rejected
    if (live?.version.kind === "submitted") return fail("DraftSubmitted")

    return succeed(this.planWrite(draft, this.nextDraftVersion(draft, body)))
  }

  patch(draft: number, patchText: string, precondition: ModelPrecondition): Expected<PlannedWrite> {
    if (byteLength(patchText) > this.config.maxDocumentBytes) return fail("DraftTooLarge", { field: "body" })

    const live = this.live(draft)
    const rejected = this.checkPrecondition(precondition, live)
    if (rejected !== undefined) return rejected
    if (live === undefined) return fail("DraftNotFound")
    if (live.version.kind === "submitted") return fail("DraftSubmitted")

    const merged = mergePatch(JSON.parse(live.version.document), JSON.parse(patchText))
    const text = JSON.stringify(merged)
    const invalid = this.validate(merged, text, "merge result")
    if (invalid !== undefined) return invalid

    return succeed(this.planWrite(draft, this.nextDraftVersion(draft, text)))
  }

  /** Reads the current version; a read from the durable tier copies it back to the hot tier. */
  load(draft: number): Expected<ModelRead> {
    const live = this.live(draft)
    if (live === undefined) return fail("DraftNotFound")

    if (live.tier === "durable") this.state(draft).hot = { version: live.version, durable: true, pending: undefined }
    return succeed(live)
  }

  /** Copies the hot version to the durable tier; a durable tombstone leaves the hot tier. */
  private persist(draft: number): void {
    const state = this.state(draft)
    if (state.hot === undefined) return
    state.durable = state.hot.version
    state.hot = state.hot.version.kind === "tombstone" ? undefined : { ...state.hot, durable: true, pending: undefined }
  }

  flush(draft: number): Expected<ModelRead> {
    const live = this.live(draft)
    if (live === undefined) return fail("DraftNotFound")
    if (!live.durable) this.persist(draft)
    return succeed({ ...live, durable: true })
  }

  private pendingDrafts(): Array<number> {
    return Array.from(this.drafts.entries())
      .filter(([, state]) => state.hot?.pending !== undefined)
      .map(([draft]) => draft)
  }

  pendingCount(): number {
    return this.pendingDrafts().length
  }

  /** Persists the drafts that are due; returns how many. */
  persistPending(): number {
    const due = this.pendingDrafts().filter((draft) => (this.state(draft).hot?.pending?.dueAt ?? Infinity) <= this.now)
    for (const draft of due) this.persist(draft)
    return due.length
  }

  /** Persists every pending draft; returns how many. */
  persistAll(): number {
    const pending = this.pendingDrafts()
    for (const draft of pending) this.persist(draft)
    return pending.length
  }

  loseHotTier(): void {
    for (const state of this.drafts.values()) state.hot = undefined
  }

  /** Replaces the draft with a tombstone, which is persisted right away. */
  delete(draft: number, etag: string | undefined): Expected<void> {
    const live = this.live(draft)
    if (live === undefined) return fail("DraftNotFound")
    if (etag !== undefined && etag !== live.version.etag) return fail("PreconditionFailed", { reason: "stale-version" })

    const header = live.version
    const tombstone = this.planWrite(draft, {
      kind: "tombstone",
      document: "",
      seq: Math.max(header.seq + 1, this.now),
      createdAt: header.createdAt,
      savedAt: this.now,
      expiresAt: Math.max(header.createdAt + this.maxAge, header.expiresAt)
    })
    tombstone.commit("")
    this.persist(draft)
    return succeed(undefined)
  }

  /** Makes the draft read-only; a retried submit returns the submitted version as it is. */
  submit(draft: number, precondition: ModelPrecondition): Expected<ModelRead | PlannedWrite> {
    const live = this.live(draft)
    if (live === undefined) return fail("DraftNotFound")
    if (live.version.kind === "submitted") return succeed(live)
    if (precondition._tag === "Create") return fail("PreconditionFailed", { reason: "already-exists" })
    if (precondition._tag === "Replace" && precondition.etag !== live.version.etag) {
      return fail("PreconditionFailed", { reason: "stale-version" })
    }

    const planned = this.planWrite(draft, {
      kind: "submitted",
      document: live.version.document,
      seq: Math.max(live.version.seq + 1, this.now),
      createdAt: live.version.createdAt,
      savedAt: this.now,
      expiresAt: this.now + this.grace
    })
    return succeed({
      version: planned.version,
      commit: (etag) => {
        const written = planned.commit(etag)
        this.persist(draft)
        return written
      }
    })
  }

  /** Drops durable versions that have expired; returns the drafts scanned and deleted. */
  sweep(): { readonly scanned: number; readonly deleted: number } {
    let scanned = 0
    let deleted = 0
    for (const state of this.drafts.values()) {
      if (state.durable === undefined) continue
      scanned += 1
      if (this.now >= state.durable.expiresAt) {
        state.durable = undefined
        deleted += 1
      }
    }
    return { scanned, deleted }
  }
}
