import { Context, Effect, Layer } from "effect"
import { HotStore, type HotStoreShape } from "../../programs/ports/HotStore.ts"
import * as FaultControl from "./FaultControl.ts"

/** Fault control of the hot store wrapper. */
export class HotFaults extends Context.Tag("claim-drafts/HotFaults")<HotFaults, FaultControl.FaultControl>() {}

/** Wraps the hot store in context so that every call passes the fault gate first. */
export const make: Effect.Effect<
  { readonly store: HotStoreShape; readonly control: FaultControl.FaultControl },
  never,
  HotStore
> = Effect.gen(function* () {
  const inner = yield* HotStore
  const gate = yield* FaultControl.make("hot")

  const store: HotStoreShape = {
    get: (key) => gate.guard("get", inner.get(key)),
    write: (write) => gate.guard("write", inner.write(write)),
    remove: (key, condition) => gate.guard("remove", inner.remove(key, condition)),
    ownerKeys: (owner) => gate.guard("ownerKeys", inner.ownerKeys(owner)),
    claimDue: (now, limit, leaseMillis) => gate.guard("claimDue", inner.claimDue(now, limit, leaseMillis)),
    settle: (key, etag) => gate.guard("settle", inner.settle(key, etag)),
    pendingCount: gate.guard("pendingCount", inner.pendingCount)
  }

  const control: FaultControl.FaultControl = { failNext: gate.failNext, delayEach: gate.delayEach, clear: gate.clear }
  return { store, control }
})

/**
 * Replaces the hot store in context with the fault-injecting wrapper around it, and provides
 * its control: `layer.pipe(Layer.provide(MemoryHotStore.layer))`.
 */
export const layer: Layer.Layer<HotStore | HotFaults, never, HotStore> = Layer.effectContext(
  Effect.map(make, ({ control, store }) => Context.make(HotStore, store).pipe(Context.add(HotFaults, control)))
)
