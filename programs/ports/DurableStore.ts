import { Context, type Effect, type Option } from "effect"
import type { StoreUnavailable } from "../../domain/errors.ts"

/** Outcome of a create-only write: the object was stored, or one already existed and was kept. */
export type PutIfAbsentOutcome = "created" | "exists"

/**
 * The durable tier, shaped like S3: immutable-looking objects under slash-separated paths
 * made of digests (programs/durablePaths.ts), holding ciphertext or tombstones only.
 * Ordinary persisting never depends on conditional writes: each version is its own object.
 */
export interface DurableStoreShape {
  /** Stores the bytes at the path, replacing any object there; visible to `get` and `list` once it succeeds. */
  readonly put: (path: string, bytes: Uint8Array) => Effect.Effect<void, StoreUnavailable>

  readonly get: (path: string) => Effect.Effect<Option.Option<Uint8Array>, StoreUnavailable>

  /** Deletes the paths; missing ones are ignored. */
  readonly delete: (paths: ReadonlyArray<string>) => Effect.Effect<void, StoreUnavailable>

  /** Paths starting with `prefix`, in ascending byte order, at most `limit` of them when given. */
  readonly list: (
    prefix: string,
    limit?: number
  ) => Effect.Effect<ReadonlyArray<string>, StoreUnavailable>

  /**
   * Stores the bytes only if no object exists at the path, atomically: of two concurrent
   * calls on one path exactly one returns "created". Present only on stores that enforce
   * this; saves go straight to the durable tier while the hot tier is down only through it.
   */
  readonly putIfAbsent?: (path: string, bytes: Uint8Array) => Effect.Effect<PutIfAbsentOutcome, StoreUnavailable>
}

export class DurableStore extends Context.Tag("claim-drafts/DurableStore")<DurableStore, DurableStoreShape>() {}
