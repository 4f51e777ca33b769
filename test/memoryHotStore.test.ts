import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, TestClock } from "effect"
import * as FaultyHotStore from "../adapters/faults/FaultyHotStore.ts"
import { HotStoreLoss } from "../adapters/memory/HotStoreLoss.ts"
import * as MemoryHotStore from "../adapters/memory/MemoryHotStore.ts"
import { Any, HotStore } from "../programs/ports/HotStore.ts"
import { hotStoreContract } from "./contracts/hotStoreContract.ts"

hotStoreContract("memory", {
  layer: () => MemoryHotStore.layerWithControl,
  letTtlPass: (millis) => TestClock.adjust(millis),
  shortTtlMillis: 1_000,
  pendingLimit: "exact"
})

/** The fault wrapper with no fault set must pass every call through unchanged. */
const wrappedMemory = Layer.unwrapEffect(
  Effect.map(MemoryHotStore.makeWithLoss, ({ loss, store }) =>
    Layer.merge(
      FaultyHotStore.layer.pipe(Layer.provide(Layer.succeed(HotStore, store))),
      Layer.succeed(HotStoreLoss, loss)
    )
  )
)

hotStoreContract("fault wrapper over memory", {
  layer: () => wrappedMemory,
  letTtlPass: (millis) => TestClock.adjust(millis),
  shortTtlMillis: 1_000,
  pendingLimit: "exact"
})

describe("MemoryHotStore", () => {
  const key = { owner: "b3duZXI", draft: "ZHJhZnQ" }
  const record = { bytes: Uint8Array.of(1, 2, 3), etag: `"1-a"`, durable: false }

  it.effect("record expires exactly at its TTL", () =>
    Effect.gen(function* () {
      const store = yield* HotStore
      yield* store.write({ key, record, ttlMillis: 1_000, condition: Any })

      yield* TestClock.adjust(999)
      expect(Option.isSome(yield* store.get(key))).toBe(true)
      yield* TestClock.adjust(1)
      expect(Option.isNone(yield* store.get(key))).toBe(true)
    }).pipe(Effect.provide(MemoryHotStore.layer))
  )

  it.effect("expired pending draft leaves the count", () =>
    Effect.gen(function* () {
      const store = yield* HotStore
      const pending = { debounceMillis: 10, maxDelayMillis: 10, limit: 1 }
      yield* store.write({ key, record, ttlMillis: 1_000, condition: Any, pending })
      expect(yield* store.pendingCount).toBe(1)

      yield* TestClock.adjust(1_000)
      expect(yield* store.pendingCount).toBe(0)
      const other = { ...key, draft: "b3RoZXI" }
      expect(yield* store.write({ key: other, record, ttlMillis: 1_000, condition: Any, pending })).toBe("written")
    }).pipe(Effect.provide(MemoryHotStore.layer))
  )

  it.effect("non-positive TTL is a defect", () =>
    Effect.gen(function* () {
      const store = yield* HotStore
      const exit = yield* Effect.exit(store.write({ key, record, ttlMillis: 0, condition: Any }))
      expect(exit._tag).toBe("Failure")
      expect(Option.isNone(yield* store.get(key))).toBe(true)
    }).pipe(Effect.provide(MemoryHotStore.layer))
  )
})
