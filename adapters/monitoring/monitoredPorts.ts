import { Context, Effect, Layer } from "effect"
import { DurableStore } from "../../programs/ports/DurableStore.ts"
import { aroundHotCalls, HotStore } from "../../programs/ports/HotStore.ts"
import { KeyProvider } from "../../programs/ports/KeyProvider.ts"
import { type Tier, TierHealth } from "./TierHealth.ts"

const unavailableTags = new Set(["StoreUnavailable", "KeyUnavailable"])

/**
 * Wraps the ports in context so that each call's outcome feeds `TierHealth`: an unavailable
 * error marks its tier degraded, any other outcome marks it available again.
 */
export const layer: Layer.Layer<HotStore | DurableStore | KeyProvider, never, HotStore | DurableStore | KeyProvider | TierHealth> =
  Layer.effectContext(
    Effect.gen(function* () {
      const health = yield* TierHealth
      const hot = yield* HotStore
      const durable = yield* DurableStore
      const keys = yield* KeyProvider
      const createOnly = durable.putIfAbsent

      const observe =
        (tier: Tier) =>
        <A, E extends { readonly _tag: string }, R>(call: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
          Effect.tapBoth(call, {
            onFailure: (error) => health.record(tier, !unavailableTags.has(error._tag)),
            onSuccess: () => health.record(tier, true)
          })
      const hotCall = observe("hot")
      const durableCall = observe("durable")
      const keyCall = observe("key")

      return Context.make(HotStore, aroundHotCalls(hot, hotCall)).pipe(
        Context.add(DurableStore, {
          put: (path, bytes) => durableCall(durable.put(path, bytes)),
          get: (path) => durableCall(durable.get(path)),
          delete: (paths) => durableCall(durable.delete(paths)),
          list: (prefix, limit) => durableCall(durable.list(prefix, limit)),
          ...(createOnly === undefined
            ? {}
            : { putIfAbsent: (path: string, bytes: Uint8Array) => durableCall(createOnly(path, bytes)) })
        }),
        Context.add(KeyProvider, {
          generateDataKey: keyCall(keys.generateDataKey),
          unwrapDataKey: (reference) => keyCall(keys.unwrapDataKey(reference))
        })
      )
    })
  )
