import { Effect } from "effect"
import type { StoreUnavailable } from "../domain/errors.ts"
import { aroundHotCalls, type HotStoreShape } from "./ports/HotStore.ts"

/**
 * Wraps a hot store so that `record` learns the outcome of every call once it has ended:
 * false when it failed (every HotStore method fails with `StoreUnavailable` only), else true.
 */
export const observeHotStore = (
  inner: HotStoreShape,
  record: (available: boolean) => Effect.Effect<void>
): HotStoreShape => {
  const observe = <A>(call: Effect.Effect<A, StoreUnavailable>): Effect.Effect<A, StoreUnavailable> =>
    Effect.tapBoth(call, { onFailure: () => record(false), onSuccess: () => record(true) })

  return aroundHotCalls(inner, observe)
}
