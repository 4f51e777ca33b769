import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Option, TestClock } from "effect"
import { DurableFaults } from "../adapters/faults/FaultyDurableStore.ts"
import * as FaultyDurableStore from "../adapters/faults/FaultyDurableStore.ts"
import { DurableStoreLoss } from "../adapters/memory/DurableStoreLoss.ts"
import * as MemoryDurableStore from "../adapters/memory/MemoryDurableStore.ts"
import { DurableStore } from "../programs/ports/DurableStore.ts"
import { durableStoreContract } from "./contracts/durableStoreContract.ts"

describe("MemoryDurableStore loss", () => {
  it.effect("loseEverything drops every object", () =>
    Effect.gen(function* () {
      const store = yield* DurableStore
      const loss = yield* DurableStoreLoss
      yield* store.put("owner/draft/1.rec", Uint8Array.of(1))

      yield* loss.loseEverything

      expect(yield* store.get("owner/draft/1.rec")).toEqual(Option.none())
      expect(yield* store.list("")).toEqual([])
    }).pipe(Effect.provide(MemoryDurableStore.layer)))
})

describe("FaultyDurableStore", () => {
  const faulty = FaultyDurableStore.layer.pipe(Layer.provideMerge(MemoryDurableStore.layer))

  it.effect("failNext fails that many calls", () =>
    Effect.gen(function* () {
      const store = yield* DurableStore
      const faults = yield* DurableFaults
      yield* faults.failNext(2)

      const first = yield* Effect.flip(store.put("owner/draft/1.rec", Uint8Array.of(1)))
      const second = yield* Effect.flip(store.list("owner/"))
      yield* store.put("owner/draft/1.rec", Uint8Array.of(2))

      expect(first._tag).toBe("StoreUnavailable")
      expect(first.tier).toBe("durable")
      expect(first.method).toContain("put")
      expect(second.method).toContain("list")
      expect(Option.map(yield* store.get("owner/draft/1.rec"), Array.from)).toEqual(Option.some([2]))
    }).pipe(Effect.provide(faulty)))

  it.effect("failed calls never reach the store", () =>
    Effect.gen(function* () {
      const store = yield* DurableStore
      const faults = yield* DurableFaults
      yield* store.put("owner/draft/1.rec", Uint8Array.of(1))
      yield* faults.failNext(1)

      yield* Effect.flip(store.delete(["owner/draft/1.rec"]))

      expect(Option.isSome(yield* store.get("owner/draft/1.rec"))).toBe(true)
    }).pipe(Effect.provide(faulty)))

  it.effect("clear drops owed failures", () =>
    Effect.gen(function* () {
      const store = yield* DurableStore
      const faults = yield* DurableFaults
      yield* faults.failNext(5)

      yield* faults.clear

      expect(yield* store.list("")).toEqual([])
    }).pipe(Effect.provide(faulty)))

  // The layer is provided to the lookup only, so the calls below run on the test clock.
  it.effect("delayEach holds calls back", () =>
    Effect.gen(function* () {
      const { faults, store } = yield* Effect.all({ faults: DurableFaults, store: DurableStore }).pipe(
        Effect.provide(faulty)
      )
      yield* faults.delayEach("200 millis")

      const call = yield* Effect.fork(store.list(""))
      yield* TestClock.adjust("199 millis")
      const early = yield* Fiber.poll(call)
      yield* TestClock.adjust("1 millis")
      const done = yield* Fiber.join(call)

      expect(Option.isNone(early)).toBe(true)
      expect(done).toEqual([])
    }))
})

durableStoreContract("MemoryDurableStore", MemoryDurableStore.layer)

durableStoreContract("FaultyDurableStore without faults", FaultyDurableStore.layer.pipe(Layer.provide(MemoryDurableStore.layer)))
