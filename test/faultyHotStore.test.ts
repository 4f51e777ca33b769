import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Option, TestClock } from "effect"
import * as FaultyHotStore from "../adapters/faults/FaultyHotStore.ts"
import * as MemoryHotStore from "../adapters/memory/MemoryHotStore.ts"
import { Any, HotStore } from "../programs/ports/HotStore.ts"

const faulty = FaultyHotStore.layer.pipe(Layer.provide(MemoryHotStore.layer))
const key = { owner: "b3duZXI", draft: "ZHJhZnQ" }
const record = { bytes: Uint8Array.of(1), etag: `"1-a"`, durable: true }

describe("FaultyHotStore", () => {
  it.effect("failNext fails that many calls", () =>
    Effect.gen(function* () {
      const store = yield* HotStore
      const faults = yield* FaultyHotStore.HotFaults
      yield* faults.failNext(2)

      const first = yield* Effect.flip(store.get(key))
      const second = yield* Effect.flip(store.write({ key, record, ttlMillis: 1_000, condition: Any }))
      expect(first._tag).toBe("StoreUnavailable")
      expect(first.tier).toBe("hot")
      expect(first.method).toBe("get (injected fault)")
      expect(second.method).toBe("write (injected fault)")

      expect(yield* store.write({ key, record, ttlMillis: 1_000, condition: Any })).toBe("written")
      expect(Option.isSome(yield* store.get(key))).toBe(true)
    }).pipe(Effect.provide(faulty))
  )

  it.effect("failed call never reaches the store", () =>
    Effect.gen(function* () {
      const store = yield* HotStore
      const faults = yield* FaultyHotStore.HotFaults
      yield* faults.failNext(1)

      yield* Effect.flip(store.write({ key, record, ttlMillis: 1_000, condition: Any }))
      expect(Option.isNone(yield* store.get(key))).toBe(true)
    }).pipe(Effect.provide(faulty))
  )

  it.effect("delayEach holds every call", () =>
    Effect.gen(function* () {
      const store = yield* HotStore
      const faults = yield* FaultyHotStore.HotFaults
      yield* faults.delayEach("2 seconds")

      const call = yield* Effect.fork(store.pendingCount)
      yield* TestClock.adjust("1999 millis")
      expect(Option.isNone(yield* Fiber.poll(call))).toBe(true)
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(call)).toBe(0)
    }).pipe(Effect.provide(faulty))
  )

  it.effect("clear removes failures and delay", () =>
    Effect.gen(function* () {
      const store = yield* HotStore
      const faults = yield* FaultyHotStore.HotFaults
      yield* faults.failNext(5)
      yield* faults.delayEach("1 hour")
      yield* faults.clear

      expect(yield* store.pendingCount).toBe(0)
    }).pipe(Effect.provide(faulty))
  )

  it.effect("negative count is a defect", () =>
    Effect.gen(function* () {
      const faults = yield* FaultyHotStore.HotFaults
      const exit = yield* Effect.exit(faults.failNext(-1))
      expect(exit._tag).toBe("Failure")
    }).pipe(Effect.provide(faulty))
  )
})
