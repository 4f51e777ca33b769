import { Context, type Effect, type Option } from "effect"
import type { StoreUnavailable } from "../../domain/errors.ts"

/**
 * The durable tier, shaped like S3: immutable-looking objects under slash-separated paths
 * made of digests (programs/durablePaths.ts), holding ciphertext or tombstones only.
 * Correctness never depends on conditional writes: each version is its own object.
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
}

export class DurableStore extends Context.Tag("claim-drafts/DurableStore")<DurableStore, DurableStoreShape>() {}
