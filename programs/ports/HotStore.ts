import { Context, type Effect, type Option } from "effect"
import type { StoreUnavailable } from "../../domain/errors.ts"
import type { DraftKey } from "../../domain/keys.ts"

/** One encoded record in the hot tier with the non-personal metadata stored beside it. */
export interface HotRecord {
  /** The encoded record (domain/record.ts): ciphertext or a tombstone, never plaintext. */
  readonly bytes: Uint8Array
  readonly etag: string
  /** True once this exact version is stored in the durable tier. */
  readonly durable: boolean
}

/** Condition on the current record under which a write or removal applies. */
export type WriteCondition =
  | { readonly _tag: "Absent" }
  | { readonly _tag: "Match"; readonly etag: string }
  | { readonly _tag: "Any" }

export const Absent: WriteCondition = { _tag: "Absent" }
export const Any: WriteCondition = { _tag: "Any" }
export const Match = (etag: string): WriteCondition => ({ _tag: "Match", etag })

/** When a pending draft becomes due for persisting, in milliseconds. */
export interface PendingSchedule {
  /** Due this long after the latest save. */
  readonly debounceMillis: number
  /** Due at most this long after the first save not yet durable. */
  readonly maxDelayMillis: number
  /** Maximum number of pending drafts in a hot store; a save that would add one more is rejected. */
  readonly limit: number
}

export interface HotWrite {
  readonly key: DraftKey
  readonly record: HotRecord
  readonly ttlMillis: number
  readonly condition: WriteCondition
  /** Present when the write must be persisted later; absent when the record is already durable. */
  readonly pending?: PendingSchedule
}

export type WriteOutcome = "written" | "conflict" | "pending-full"

export type RemoveOutcome = "removed" | "conflict"

/**
 * The hot tier: fast, shared by every instance of the service, and allowed to lose
 * everything at any time. Every record carries a TTL; none outlives its draft's expiry.
 */
export interface HotStoreShape {
  readonly get: (key: DraftKey) => Effect.Effect<Option.Option<HotRecord>, StoreUnavailable>

  /**
   * Stores the record with its TTL if the condition holds, in one atomic step with the
   * pending record: a pending write enters (or stays in) the pending set with its due time.
   */
  readonly write: (write: HotWrite) => Effect.Effect<WriteOutcome, StoreUnavailable>

  /** Removes the record and its pending entry if the condition holds; a missing record counts as removed. */
  readonly remove: (key: DraftKey, condition: WriteCondition) => Effect.Effect<RemoveOutcome, StoreUnavailable>

  /** Keys of drafts recorded for an owner; may include keys whose records have expired. */
  readonly ownerKeys: (owner: string) => Effect.Effect<ReadonlyArray<DraftKey>, StoreUnavailable>

  /**
   * Claims up to `limit` pending drafts due at or before `now` (epoch ms). A claimed draft is
   * not handed out again for `leaseMillis`, so an instance that dies mid-persist loses its
   * claim and another instance takes the draft over.
   */
  readonly claimDue: (
    now: number,
    limit: number,
    leaseMillis: number
  ) => Effect.Effect<ReadonlyArray<DraftKey>, StoreUnavailable>

  /**
   * Marks the version `etag` durable and drops the pending entry if it is still the current
   * version; a newer save keeps the draft pending. Returns whether the entry was dropped.
   */
  readonly settle: (key: DraftKey, etag: string) => Effect.Effect<boolean, StoreUnavailable>

  /** Pending drafts, due or not. */
  readonly pendingCount: Effect.Effect<number, StoreUnavailable>
}

export class HotStore extends Context.Tag("claim-drafts/HotStore")<HotStore, HotStoreShape>() {}

/** Wraps every call of `store` in `around`, for wrappers that observe calls without changing them. */
export const aroundHotCalls = (
  store: HotStoreShape,
  around: <A>(call: Effect.Effect<A, StoreUnavailable>) => Effect.Effect<A, StoreUnavailable>
): HotStoreShape => ({
  get: (key) => around(store.get(key)),
  write: (write) => around(store.write(write)),
  remove: (key, condition) => around(store.remove(key, condition)),
  ownerKeys: (owner) => around(store.ownerKeys(owner)),
  claimDue: (now, limit, leaseMillis) => around(store.claimDue(now, limit, leaseMillis)),
  settle: (key, etag) => around(store.settle(key, etag)),
  pendingCount: around(store.pendingCount)
})
