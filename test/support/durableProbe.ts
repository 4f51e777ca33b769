import { Deferred, Effect } from "effect"
import * as FaultControl from "../../adapters/faults/FaultControl.ts"
import type { DurableStoreShape } from "../../programs/ports/DurableStore.ts"

/** A put that a test stopped before it reached the store. */
export interface HeldPut {
  /** Completes once the held put has been called. */
  readonly started: Effect.Effect<void>
  /** Lets the held put go on to the store. */
  readonly release: Effect.Effect<void>
}

export interface DurableProbe {
  /** The wrapped store the programs use. */
  readonly store: DurableStoreShape
  /** Paths of the puts that reached the store, in order. */
  readonly puts: ReadonlyArray<string>
  /** Injects failures and delays in front of every call. */
  readonly faults: FaultControl.FaultControl
  /** Stops the next put before it reaches the store, to stage a persist that arrives late. */
  readonly holdNextPut: Effect.Effect<HeldPut>
}

/** Wraps a durable store so tests can count its writes, fail its calls and delay one put. */
export const probeDurable = (inner: DurableStoreShape): Effect.Effect<DurableProbe> =>
  Effect.gen(function* () {
    const gate = yield* FaultControl.make("durable")
    const createOnly = inner.putIfAbsent
    const puts: Array<string> = []
    let held: { readonly started: Deferred.Deferred<void>; readonly release: Deferred.Deferred<void> } | undefined

    const waitIfHeld = Effect.suspend(() => {
      const hold = held
      held = undefined
      if (hold === undefined) return Effect.void
      return Effect.zipRight(Deferred.succeed(hold.started, undefined), Deferred.await(hold.release))
    })

    const store: DurableStoreShape = {
      put: (path, bytes) =>
        gate.guard(
          "put",
          waitIfHeld.pipe(
            Effect.zipRight(inner.put(path, bytes)),
            Effect.tap(() => Effect.sync(() => puts.push(path)))
          )
        ),
      get: (path) => gate.guard("get", inner.get(path)),
      delete: (paths) => gate.guard("delete", inner.delete(paths)),
      list: (prefix, limit) => gate.guard("list", inner.list(prefix, limit)),
      ...(createOnly === undefined
        ? {}
        : {
            putIfAbsent: (path: string, bytes: Uint8Array) =>
              gate.guard(
                "putIfAbsent",
                waitIfHeld.pipe(
                  Effect.zipRight(createOnly(path, bytes)),
                  Effect.tap(() => Effect.sync(() => puts.push(path)))
                )
              )
          })
    }

    const holdNextPut = Effect.gen(function* () {
      const hold = { started: yield* Deferred.make<void>(), release: yield* Deferred.make<void>() }
      held = hold
      return { started: Deferred.await(hold.started), release: Deferred.succeed(hold.release, undefined).pipe(Effect.asVoid) }
    })

    return {
      store,
      puts,
      faults: { failNext: gate.failNext, delayEach: gate.delayEach, clear: gate.clear },
      holdNextPut
    }
  })
