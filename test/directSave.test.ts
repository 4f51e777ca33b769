import { describe, expect, it } from "@effect/vitest"
import { Context, Duration, Effect, Fiber, Layer, Option, TestClock } from "effect"
import * as FaultyHotStore from "../adapters/faults/FaultyHotStore.ts"
import * as MemoryDurableStore from "../adapters/memory/MemoryDurableStore.ts"
import * as MemoryHotStore from "../adapters/memory/MemoryHotStore.ts"
import { renderMetrics } from "../adapters/monitoring/prometheus.ts"
import { draftPrefix, versionPath } from "../programs/durablePaths.ts"
import { Create, Replace, Unconditional } from "../programs/model.ts"
import { journalPrefix, successorPath } from "../programs/successorPaths.ts"
import { draftId, ownerId } from "./support/draftIds.ts"
import { type DraftStack, type DraftsService, stackOver } from "./support/draftStack.ts"

const owner = ownerId("claimant-d1r3c7")
const ref = { owner, draftId: draftId("Dq4Wm8Zr2Kx6Tn0B") }

const fenceMillis = 5_000

/** The in-memory stores, with fault control on the hot tier; the memory durable store enforces create-only writes. */
const overStores = stackOver({
  hot: FaultyHotStore.layer.pipe(Layer.provideMerge(MemoryHotStore.layerWithControl)),
  durable: MemoryDurableStore.layer
})

const makeStack = Effect.gen(function* () {
  const stack = yield* overStores({ config: { hotOutageFence: Duration.millis(fenceMillis) } })
  const faults = Context.unsafeGet(stack.extra as unknown as Context.Context<FaultyHotStore.HotFaults>, FaultyHotStore.HotFaults)
  return { ...stack, faults }
})

const advance = (millis: number) => TestClock.adjust(Duration.millis(millis))

const save = (drafts: DraftsService, value: unknown, precondition = Unconditional) =>
  drafts.save({ ...ref, document: JSON.stringify(value), precondition })

/** Stops the hot tier for every later call until `faults.clear`. */
const stopHotTier = (faults: FaultyHotStore.HotFaults["Type"]) => faults.failNext(1_000_000)

/** Runs a write-behind round on each instance, so each one records the hot tier failing. */
const observeOutage = (instances: ReadonlyArray<DraftsService>) =>
  Effect.forEach(instances, (drafts) => Effect.either(drafts.persistPending), { discard: true })

/** Stops the hot tier and lets every instance see it fail for the whole fence delay. */
const outageFor = (stack: { readonly faults: FaultyHotStore.HotFaults["Type"] }, instances: ReadonlyArray<DraftsService>) =>
  Effect.gen(function* () {
    yield* stopHotTier(stack.faults)
    yield* observeOutage(instances)
    yield* advance(fenceMillis)
    yield* observeOutage(instances)
  })

/** Creates the draft one minute into the test, with `{"page": page}`, and makes it durable. */
const durableDraft = (stack: DraftStack, page = 1) =>
  Effect.gen(function* () {
    yield* advance(60_000)
    const first = yield* save(stack.drafts, { page }, Create)
    yield* stack.drafts.flush(ref)
    return first
  })

const successorOf = (stack: DraftStack, baseSeq: number) => stack.durable.get(successorPath(stack.keyOf(ref.owner, ref.draftId), baseSeq))

describe("saves while the hot tier is down", () => {
  it.scoped("before the fence a save is unavailable", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      const first = yield* durableDraft(stack)

      yield* stopHotTier(stack.faults)
      yield* observeOutage([stack.drafts])
      yield* advance(fenceMillis - 1)
      const error = yield* Effect.flip(save(stack.drafts, { page: 2 }, Replace(first.etag)))
      expect(error).toMatchObject({ _tag: "StoreUnavailable", tier: "hot" })

      const paths = yield* stack.durable.list(draftPrefix(stack.keyOf(ref.owner, ref.draftId)))
      expect(paths).toHaveLength(1)
    }))

  it.scoped("after the fence a save goes direct", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      const first = yield* durableDraft(stack)

      yield* outageFor(stack, [stack.drafts])
      const direct = yield* save(stack.drafts, { page: 2 }, Replace(first.etag))
      expect(direct.durable).toBe(true)
      expect(direct.direct).toBe(true)
      expect(direct.seq).toBeGreaterThan(first.seq)

      const loaded = yield* stack.drafts.load(ref)
      expect(loaded.tier).toBe("durable")
      expect(loaded.document).toBe(`{"page":2}`)
      expect(loaded.etag).toBe(direct.etag)

      const patched = yield* stack.drafts.patch({ ...ref, patch: `{"extra":true}`, precondition: Replace(direct.etag) })
      expect(patched.direct).toBe(true)
      expect((yield* stack.drafts.load(ref)).document).toBe(`{"page":2,"extra":true}`)
    }))

  it.scoped("direct create of a new draft", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      yield* advance(60_000)
      yield* outageFor(stack, [stack.drafts])

      const created = yield* save(stack.drafts, { page: 1 }, Create)
      expect(created.direct).toBe(true)
      const again = yield* Effect.flip(save(stack.drafts, { page: 2 }, Create))
      expect(again).toMatchObject({ _tag: "PreconditionFailed", reason: "already-exists" })
      expect((yield* stack.drafts.load(ref)).document).toBe(`{"page":1}`)
    }))

  it.scoped("stale ETag fails a direct save", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      const first = yield* durableDraft(stack)
      yield* outageFor(stack, [stack.drafts])
      yield* save(stack.drafts, { page: 2 }, Replace(first.etag))

      const error = yield* Effect.flip(save(stack.drafts, { page: 3 }, Replace(first.etag)))
      expect(error).toMatchObject({ _tag: "PreconditionFailed", reason: "stale-version" })
    }))

  it.scoped("submit and delete stay unavailable", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      const first = yield* durableDraft(stack)
      yield* outageFor(stack, [stack.drafts])

      const submitted = yield* Effect.flip(stack.drafts.submit({ ...ref, precondition: Replace(first.etag) }))
      const deleted = yield* Effect.flip(stack.drafts.delete({ ...ref, etag: first.etag }))
      expect(submitted).toMatchObject({ _tag: "StoreUnavailable", tier: "hot" })
      expect(deleted).toMatchObject({ _tag: "StoreUnavailable", tier: "hot" })
    }))
})

describe("concurrent direct saves", () => {
  /**
   * Runs `write` once per value, each in a new instance. Every durable call waits one
   * second of test time, and the clock moves one second at a time, so the writers go
   * through their calls in step: each reads the base version before any of them claims it.
   */
  const race = (
    stack: DraftStack & { readonly faults: FaultyHotStore.HotFaults["Type"] },
    values: ReadonlyArray<number>,
    write: (drafts: DraftsService, value: number) => Effect.Effect<{ readonly seq: number; readonly etag: string }, { readonly _tag: string }>
  ) =>
    Effect.gen(function* () {
      const writers = yield* Effect.forEach(values, () => stack.startProcess)
      yield* outageFor(stack, writers)

      yield* stack.durableFaults.delayEach(Duration.seconds(1))
      const racing = yield* Effect.fork(
        Effect.forEach(values, (value, index) => Effect.either(write(writers[index]!, value)), { concurrency: "unbounded" })
      )
      for (let step = 0; step < 60 && Option.isNone(yield* Fiber.poll(racing)); step++) {
        for (let turn = 0; turn < 50; turn++) yield* Effect.yieldNow()
        yield* advance(1_000)
      }
      yield* stack.durableFaults.clear
      return yield* Fiber.join(racing)
    })

  it.scoped("two writers on one base: one wins", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      const first = yield* durableDraft(stack, 0)

      const results = yield* race(stack, [1, 2], (drafts, page) => save(drafts, { page }, Replace(first.etag)))
      const winners = results.flatMap((result) => (result._tag === "Right" ? [result.right] : []))
      const losers = results.flatMap((result) => (result._tag === "Left" ? [result.left] : []))
      expect(winners).toHaveLength(1)
      expect(losers).toHaveLength(1)
      expect(losers[0]).toMatchObject({ _tag: "PreconditionFailed", reason: "stale-version" })

      const loaded = yield* stack.drafts.load(ref)
      expect(loaded.etag).toBe(winners[0]!.etag)
      const paths = yield* stack.durable.list(draftPrefix(stack.keyOf(ref.owner, ref.draftId)))
      expect(paths.filter((path) => path.endsWith(".rec"))).toHaveLength(2)
    }))

  it.scoped("two creates: one wins", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      yield* advance(60_000)

      const results = yield* race(stack, [1, 2], (drafts, page) => save(drafts, { page }, Create))
      expect(results.filter((result) => result._tag === "Right")).toHaveLength(1)
      for (const result of results) {
        if (result._tag === "Left") expect(result.left).toMatchObject({ _tag: "PreconditionFailed", reason: "already-exists" })
      }
    }))

  it.scoped("unconditional writers both apply in turn", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      yield* durableDraft(stack, 0)

      const results = yield* race(stack, [1, 2], (drafts, page) => save(drafts, { page }))
      const seqs = results.map((result) => (result._tag === "Right" ? result.right.seq : 0))
      expect(seqs.every((seq) => seq > 0)).toBe(true)
      expect(new Set(seqs).size).toBe(2)
      expect((yield* stack.drafts.load(ref)).seq).toBe(Math.max(...seqs))
    }))
})

describe("writer that stops after its claim", () => {
  /**
   * Runs a direct save and interrupts it once it has claimed the base version, before it
   * stores the new version: its puts are the journal marker, the claim and the version.
   */
  const stopAfterClaim = <A, E>(stack: DraftStack, saving: Effect.Effect<A, E>) =>
    Effect.gen(function* () {
      const marker = yield* stack.holdNextDurablePut
      const fiber = yield* Effect.fork(saving)
      yield* marker.started
      const claim = yield* stack.holdNextDurablePut
      yield* marker.release
      yield* claim.started
      const version = yield* stack.holdNextDurablePut
      yield* claim.release
      yield* version.started
      yield* Fiber.interrupt(fiber)
    })

  it.scoped("next reader rolls it forward", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      const first = yield* durableDraft(stack)
      const writer = yield* stack.startProcess
      yield* outageFor(stack, [stack.drafts, writer])

      yield* stopAfterClaim(stack, save(writer, { page: 2 }, Replace(first.etag)))

      const claimed = yield* successorOf(stack, first.seq)
      expect(Option.isSome(claimed)).toBe(true)
      expect(Option.map(claimed, (bytes) => bytes.length > 0)).toEqual(Option.some(true))

      const loaded = yield* stack.drafts.load(ref)
      expect(loaded.document).toBe(`{"page":2}`)
      expect(loaded.seq).toBeGreaterThan(first.seq)
      const key = stack.keyOf(ref.owner, ref.draftId)
      expect(Option.isSome(yield* stack.durable.get(versionPath(key, loaded.seq, "draft")))).toBe(true)
      expect(Option.map(yield* successorOf(stack, first.seq), (bytes) => bytes.length)).toEqual(Option.some(0))

      const next = yield* save(stack.drafts, { page: 3 }, Replace(loaded.etag))
      expect(next.direct).toBe(true)
      expect((yield* stack.drafts.load(ref)).document).toBe(`{"page":3}`)
    }))

  it.scoped("claim on a new draft rolls forward", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      yield* advance(60_000)
      const writer = yield* stack.startProcess
      yield* outageFor(stack, [stack.drafts, writer])

      yield* stopAfterClaim(stack, save(writer, { page: 1 }, Create))

      const loaded = yield* stack.drafts.load(ref)
      expect(loaded.document).toBe(`{"page":1}`)
      const error = yield* Effect.flip(save(stack.drafts, { page: 9 }, Create))
      expect(error).toMatchObject({ _tag: "PreconditionFailed", reason: "already-exists" })
    }))
})

describe("hot tier back with stale data", () => {
  /** A direct save by one instance while another one also saw the outage, then the hot tier back as it was. */
  const directSaveThenRecovery = Effect.gen(function* () {
    const stack = yield* makeStack
    const first = yield* durableDraft(stack)
    const bystander = yield* stack.startProcess
    yield* outageFor(stack, [stack.drafts, bystander])
    const direct = yield* save(stack.drafts, { page: 2 }, Replace(first.etag))
    yield* stack.faults.clear
    return { stack, first, bystander, direct }
  })

  it.scoped("no read returns the older version", () =>
    Effect.gen(function* () {
      const { bystander, direct, first, stack } = yield* directSaveThenRecovery
      const newcomer = yield* stack.startProcess

      // The hot tier still contains the first version, and no instance may return it.
      const hotRecord = yield* stack.hot.get(stack.keyOf(ref.owner, ref.draftId))
      expect(Option.map(hotRecord, (record) => record.etag)).toEqual(Option.some(first.etag))
      for (const drafts of [newcomer, bystander, stack.drafts]) {
        const loaded = yield* drafts.load(ref)
        expect(loaded.etag).toBe(direct.etag)
        expect(loaded.document).toBe(`{"page":2}`)
      }

      expect(yield* renderMetrics).toMatch(/^claim_drafts_hot_repairs_total [1-9]/m)

      const stale = yield* Effect.flip(save(bystander, { page: "lost" }, Replace(first.etag)))
      expect(stale).toMatchObject({ _tag: "PreconditionFailed", reason: "stale-version" })
      const next = yield* save(bystander, { page: 3 }, Replace(direct.etag))
      expect(next.direct).toBeUndefined()
      expect(next.durable).toBe(false)
    }))

  it.scoped("older ETag fails right after recovery", () =>
    Effect.gen(function* () {
      const { bystander, direct, first, stack } = yield* directSaveThenRecovery

      // No read has repaired the hot record yet, so it still matches the older ETag.
      const stale = yield* Effect.flip(save(bystander, { page: "lost" }, Replace(first.etag)))
      expect(stale).toMatchObject({ _tag: "PreconditionFailed", reason: "stale-version" })
      expect((yield* bystander.load(ref)).document).toBe(`{"page":2}`)
      expect((yield* stack.drafts.load(ref)).etag).toBe(direct.etag)
    }))

  it.scoped("recovery empties the journal and leaves verify mode", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      const first = yield* durableDraft(stack)
      yield* outageFor(stack, [stack.drafts])
      const direct = yield* save(stack.drafts, { page: 2 }, Replace(first.etag))
      expect(yield* stack.durable.list(journalPrefix)).toHaveLength(1)

      // The first round's hot-tier call succeeds and ends the outage, so the second round repairs.
      yield* stack.faults.clear
      yield* stack.drafts.persistPending
      yield* stack.drafts.persistPending
      expect(yield* stack.durable.list(journalPrefix)).toEqual([])
      const hotRecord = yield* stack.hot.get(stack.keyOf(ref.owner, ref.draftId))
      expect(Option.map(hotRecord, (record) => [record.etag, record.durable])).toEqual(Option.some([direct.etag, true]))

      // Verify mode ends once hot-tier calls have succeeded for the fence delay, so later reads use the hot tier alone.
      yield* advance(fenceMillis)
      yield* stack.drafts.persistPending
      const later = yield* stack.drafts.load(ref)
      expect(later.tier).toBe("hot")
      expect(later.etag).toBe(direct.etag)
    }))

  it.scoped("pending older version never outranks the direct save", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      const first = yield* durableDraft(stack)
      yield* advance(1_000)
      const pending = yield* save(stack.drafts, { page: "pending" }, Replace(first.etag))
      expect(pending.durable).toBe(false)

      yield* outageFor(stack, [stack.drafts])
      // During the outage the durable tier contains only the first version.
      const during = yield* stack.drafts.load(ref)
      expect(during.etag).toBe(first.etag)
      const direct = yield* save(stack.drafts, { page: 2 }, Replace(first.etag))

      yield* stack.faults.clear
      yield* advance(Duration.toMillis(stack.config.persistMaxDelay))
      yield* stack.drafts.persistPending
      yield* stack.loseHotTier
      const restored = yield* stack.drafts.load(ref)
      expect(restored.etag).toBe(direct.etag)
      expect(restored.document).toBe(`{"page":2}`)
    }))
})

describe("sweeping successor objects", () => {
  const draftPaths = (stack: DraftStack) => stack.durable.list(draftPrefix(stack.keyOf(ref.owner, ref.draftId)))

  it.scoped("superseded ones go after an hour", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      const first = yield* durableDraft(stack)
      yield* outageFor(stack, [stack.drafts])
      const direct = yield* save(stack.drafts, { page: 2 }, Replace(first.etag))
      yield* stack.faults.clear

      yield* stack.drafts.sweepExpired
      expect(Option.isSome(yield* successorOf(stack, first.seq))).toBe(true)

      yield* advance(2 * 60 * 60 * 1_000)
      yield* stack.drafts.sweepExpired
      expect(Option.isNone(yield* successorOf(stack, first.seq))).toBe(true)
      const key = stack.keyOf(ref.owner, ref.draftId)
      expect(yield* draftPaths(stack)).toEqual([versionPath(key, direct.seq, "draft")])
    }))

  it.scoped("expired draft takes them along", () =>
    Effect.gen(function* () {
      const stack = yield* makeStack
      yield* advance(60_000)
      yield* outageFor(stack, [stack.drafts])
      yield* save(stack.drafts, { page: 1 }, Create)
      expect(Option.isSome(yield* successorOf(stack, 0))).toBe(true)

      yield* advance(Duration.toMillis(stack.config.idleRetention) + 1)
      expect(yield* stack.drafts.sweepExpired).toEqual({ scanned: 1, deleted: 1 })
      expect(yield* draftPaths(stack)).toEqual([])
    }))
})
