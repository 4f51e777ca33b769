import { Context, Effect, Layer } from "effect"
import { DurableStore, type DurableStoreShape } from "../../programs/ports/DurableStore.ts"
import * as FaultControl from "./FaultControl.ts"

/** Fault control of the durable store wrapper. */
export class DurableFaults extends Context.Tag("claim-drafts/DurableFaults")<DurableFaults, FaultControl.FaultControl>() {}

/** Wraps the durable store in context so that every call passes the fault gate first. */
export const make: Effect.Effect<
  { readonly store: DurableStoreShape; readonly control: FaultControl.FaultControl },
  never,
  DurableStore
> = Effect.gen(function* () {
  const inner = yield* DurableStore
  const gate = yield* FaultControl.make("durable")
  const createOnly = inner.putIfAbsent

  const store: DurableStoreShape = {
    put: (path, bytes) => gate.guard("put", inner.put(path, bytes)),
    get: (path) => gate.guard("get", inner.get(path)),
    delete: (paths) => gate.guard("delete", inner.delete(paths)),
    list: (prefix, limit) => gate.guard("list", inner.list(prefix, limit)),
    ...(createOnly === undefined
      ? {}
      : { putIfAbsent: (path: string, bytes: Uint8Array) => gate.guard("putIfAbsent", createOnly(path, bytes)) })
  }

  const control: FaultControl.FaultControl = { failNext: gate.failNext, delayEach: gate.delayEach, clear: gate.clear }
  return { store, control }
})

/**
 * Replaces the durable store in context with the fault-injecting wrapper around it, and
 * provides its control: `layer.pipe(Layer.provide(MemoryDurableStore.layer))`.
 */
export const layer: Layer.Layer<DurableStore | DurableFaults, never, DurableStore> = Layer.effectContext(
  Effect.map(make, ({ control, store }) => Context.make(DurableStore, store).pipe(Context.add(DurableFaults, control)))
)
