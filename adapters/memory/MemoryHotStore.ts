import { Clock, Context, Effect, Layer, Option } from "effect"
import { type DraftKey, draftKeyString } from "../../domain/keys.ts"
import {
  HotStore,
  type HotRecord,
  type HotStoreShape,
  type HotWrite,
  type WriteCondition
} from "../../programs/ports/HotStore.ts"
import { HotStoreLoss, type HotStoreLossShape } from "./HotStoreLoss.ts"

export { HotStoreLoss } from "./HotStoreLoss.ts"

/** Write-behind state of a draft whose current version is not yet durable. */
interface PendingEntry {
  /** Clock time (ms) of the first save not yet durable; bounds the due time by the max delay. */
  readonly firstUnpersistedAt: number
  /** Clock time (ms) at which `claimDue` hands the draft out; a claim moves it to the lease end. */
  readonly dueAt: number
}

interface Entry {
  readonly key: DraftKey
  readonly record: HotRecord
  /** Clock time (ms) from which the record reads as absent. */
  readonly expiresAt: number
  readonly pending: PendingEntry | undefined
}

const copyRecord = (record: HotRecord): HotRecord => ({ ...record, bytes: Uint8Array.from(record.bytes) })

/** Checks a write condition against the live record, `undefined` when there is none. */
const writeConditionHolds = (current: Entry | undefined, condition: WriteCondition): boolean => {
  switch (condition._tag) {
    case "Absent":
      return current === undefined
    case "Match":
      return current !== undefined && current.record.etag === condition.etag
    case "Any":
      return true
  }
}

/** Checks a removal condition; a missing record always counts as removed. */
const removeConditionHolds = (current: Entry | undefined, condition: WriteCondition): boolean =>
  current === undefined || condition._tag === "Any" || writeConditionHolds(current, condition)

/** TTLs are whole milliseconds; a record without a positive TTL would never expire as the port requires. */
const checkedTtl = (ttlMillis: number): Effect.Effect<number> =>
  Number.isFinite(ttlMillis) && ttlMillis > 0
    ? Effect.succeed(Math.ceil(ttlMillis))
    : Effect.dieMessage(`HotWrite.ttlMillis is invalid: it must be a positive finite number of milliseconds.`)

/**
 * Builds a hot store held in one process's memory, with time read from Effect's `Clock`, so
 * `TestClock` drives both expiry and due times. Each operation runs synchronously after
 * reading the clock, which makes it atomic with respect to other fibers. Bytes are copied on
 * the way in and out, so a caller that reuses its buffer never changes a stored record.
 */
export const makeWithLoss: Effect.Effect<{ readonly store: HotStoreShape; readonly loss: HotStoreLossShape }> =
  Effect.sync(() => {
    const entries = new Map<string, Entry>()
    const pendingIds = new Set<string>()
    const owners = new Map<string, Set<string>>()

    const forget = (id: string, key: DraftKey): void => {
      entries.delete(id)
      pendingIds.delete(id)

      const drafts = owners.get(key.owner)
      drafts?.delete(key.draft)
      if (drafts?.size === 0) owners.delete(key.owner)
    }

    /** Returns the entry if its record has not expired, and drops an expired one. */
    const liveEntry = (id: string, now: number): Entry | undefined => {
      const entry = entries.get(id)
      if (entry === undefined) return undefined
      if (now < entry.expiresAt) return entry

      forget(id, entry.key)
      return undefined
    }

    const livePending = (now: number): Array<Entry> => {
      const live: Array<Entry> = []
      for (const id of Array.from(pendingIds)) {
        const entry = liveEntry(id, now)
        if (entry?.pending !== undefined) live.push(entry)
      }
      return live
    }

    /** `pendingIds` may still hold expired drafts, so the exact count is taken only near the limit. */
    const isPendingFull = (limit: number, now: number): boolean =>
      pendingIds.size >= limit && livePending(now).length >= limit

    const applyWrite = (write: HotWrite, ttlMillis: number, now: number) => {
      const id = draftKeyString(write.key)
      const current = liveEntry(id, now)

      // A repeat of the write that stored the current version reports written, as Redis must for resent commands.
      if (current !== undefined && current.record.etag === write.record.etag) return "written" as const
      if (!writeConditionHolds(current, write.condition)) return "conflict" as const

      let pending: PendingEntry | undefined
      if (write.pending !== undefined) {
        const queued = current?.pending
        if (queued === undefined && isPendingFull(write.pending.limit, now)) return "pending-full" as const

        const firstUnpersistedAt = queued?.firstUnpersistedAt ?? now
        const dueAt = Math.min(now + write.pending.debounceMillis, firstUnpersistedAt + write.pending.maxDelayMillis)
        pending = { firstUnpersistedAt, dueAt }
      }

      entries.set(id, { key: write.key, record: copyRecord(write.record), expiresAt: now + ttlMillis, pending })
      if (pending === undefined) pendingIds.delete(id)
      else pendingIds.add(id)

      const drafts = owners.get(write.key.owner) ?? new Set<string>()
      drafts.add(write.key.draft)
      owners.set(write.key.owner, drafts)
      return "written" as const
    }

    const store: HotStoreShape = {
      get: (key) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          const entry = liveEntry(draftKeyString(key), now)
          return entry === undefined ? Option.none() : Option.some(copyRecord(entry.record))
        }),

      write: (write) =>
        Effect.flatMap(checkedTtl(write.ttlMillis), (ttlMillis) =>
          Effect.map(Clock.currentTimeMillis, (now) => applyWrite(write, ttlMillis, now))
        ),

      remove: (key, condition) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          const id = draftKeyString(key)
          const current = liveEntry(id, now)
          if (!removeConditionHolds(current, condition)) return "conflict" as const

          forget(id, key)
          return "removed" as const
        }),

      ownerKeys: (owner) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          const drafts = Array.from(owners.get(owner) ?? [])
          const keys = drafts.map((draft) => ({ owner, draft }))
          return keys.filter((key) => liveEntry(draftKeyString(key), now) !== undefined)
        }),

      // `now` decides what is due and when leases end; expiry stays on the store's clock.
      claimDue: (now, limit, leaseMillis) =>
        Effect.map(Clock.currentTimeMillis, (clockNow) => {
          const due: Array<{ readonly entry: Entry; readonly pending: PendingEntry }> = []
          for (const entry of livePending(clockNow)) {
            if (entry.pending !== undefined && entry.pending.dueAt <= now) due.push({ entry, pending: entry.pending })
          }
          due.sort((left, right) => left.pending.dueAt - right.pending.dueAt)
          const claimed = due.slice(0, Math.max(0, Math.floor(limit)))

          for (const { entry, pending } of claimed) {
            entries.set(draftKeyString(entry.key), { ...entry, pending: { ...pending, dueAt: now + leaseMillis } })
          }
          return claimed.map(({ entry }) => entry.key)
        }),

      settle: (key, etag) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          const id = draftKeyString(key)
          const entry = liveEntry(id, now)
          if (entry === undefined || entry.record.etag !== etag) return false

          entries.set(id, { ...entry, record: { ...entry.record, durable: true }, pending: undefined })
          pendingIds.delete(id)
          return true
        }),

      pendingCount: Effect.map(Clock.currentTimeMillis, (now) => livePending(now).length)
    }

    const loss: HotStoreLossShape = {
      loseEverything: Effect.sync(() => {
        entries.clear()
        pendingIds.clear()
        owners.clear()
      })
    }

    return { store, loss }
  })

export const make: Effect.Effect<HotStoreShape> = Effect.map(makeWithLoss, ({ store }) => store)

export const layer: Layer.Layer<HotStore> = Layer.effect(HotStore, make)

/** The store and a control that empties it, sharing one state. */
export const layerWithControl: Layer.Layer<HotStore | HotStoreLoss> = Layer.effectContext(
  Effect.map(makeWithLoss, ({ loss, store }) => Context.make(HotStore, store).pipe(Context.add(HotStoreLoss, loss)))
)
