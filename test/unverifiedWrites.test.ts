import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either, Option, TestClock } from "effect"
import { renderMetrics } from "../adapters/monitoring/prometheus.ts"
import { decodeRecord } from "../domain/record.ts"
import { Create, Replace, Unconditional } from "../programs/model.ts"
import { draftId, ownerId } from "./support/draftIds.ts"
import type { DraftStack } from "./support/draftStack.ts"
import { memoryStack } from "./support/memoryStack.ts"
import { hotBytes, newestDurable } from "./support/storedBytes.ts"

const alice = ownerId("claimant-unverified")
const ref = { owner: alice, draftId: draftId("unverified-draft-000001") }

const minute = 60_000

/** Enough injected failures to keep the durable tier down until the test clears them. */
const outage = 1_000_000

const save = (stack: DraftStack, value: unknown, precondition = Create) =>
  stack.drafts.save({ ...ref, document: JSON.stringify(value), precondition })

/** The unverified flag of the draft's hot record; fails the test when there is none. */
const hotUnverified = (stack: DraftStack) =>
  Effect.map(hotBytes(stack, stack.keyOf(ref.owner, ref.draftId)), (bytes) => {
    const decoded = decodeRecord(Option.getOrThrow(bytes))
    return Either.getOrThrow(decoded).header.unverified === true
  })

/** Reads the unverified-version counter of one resolution from the Prometheus output. */
const resolutions = (resolution: string) =>
  Effect.map(renderMetrics, (text) => {
    const sample = `claim_drafts_unverified_versions_total{resolution="${resolution}"} `
    const line = text.split("\n").find((candidate) => candidate.startsWith(sample))
    return line === undefined ? 0 : Number(line.slice(sample.length))
  })

/**
 * Brings the durable tier back and persists everything pending. The clock first moves past
 * the lease, so drafts whose persist failed during the outage can be claimed again.
 */
const recoverAndPersist = (stack: DraftStack) =>
  Effect.gen(function* () {
    yield* stack.durableFaults.clear
    yield* TestClock.adjust(Duration.sum(stack.config.persistLease, Duration.millis(1)))
    return yield* stack.drafts.persistAll
  })

describe("saves while the durable tier is down", () => {
  it.scoped("create is accepted unverified, then persisted", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const persistedBefore = yield* resolutions("persisted")
      yield* stack.durableFaults.failNext(outage)

      const created = yield* save(stack, { page: 1 })
      expect(created.durable).toBe(false)
      expect(yield* hotUnverified(stack)).toBe(true)

      // Later versions build on the unverified one in the hot tier, so they stay unverified.
      expect(created.etag).toMatch(/-u[\w-]{16}"$/)
      const replaced = yield* save(stack, { page: 2 }, Replace(created.etag))
      expect(yield* hotUnverified(stack)).toBe(true)
      const patched = yield* stack.drafts.patch({ ...ref, patch: '{"page":2}', precondition: Replace(replaced.etag) })
      expect(yield* hotUnverified(stack)).toBe(true)
      expect((yield* stack.drafts.persistAll).failed).toBe(1)

      expect(yield* recoverAndPersist(stack)).toMatchObject({ persisted: 1, failed: 0 })
      const loaded = yield* stack.drafts.load(ref)
      expect(loaded).toMatchObject({ etag: patched.etag, durable: true, document: '{"page":2}' })
      expect((yield* resolutions("persisted")) - persistedBefore).toBe(1)

      const next = yield* save(stack, { page: 3 }, Replace(patched.etag))
      expect(yield* hotUnverified(stack)).toBe(false)
      expect(next.seq).toBeGreaterThan(patched.seq)
    }))

  it.scoped("unconditional save is accepted unverified", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* stack.durableFaults.failNext(outage)

      const saved = yield* save(stack, { page: 1 }, Unconditional)
      expect(saved.durable).toBe(false)
      expect(yield* hotUnverified(stack)).toBe(true)
    }))

  it.scoped("writes that need a base version still fail", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* stack.durableFaults.failNext(outage)

      const replaced = yield* Effect.flip(save(stack, { page: 1 }, Replace(`"1-AAAAAAAAAAAAAAAA"`)))
      expect(replaced).toMatchObject({ _tag: "StoreUnavailable", tier: "durable" })
      const patched = yield* Effect.flip(stack.drafts.patch({ ...ref, patch: "{}", precondition: Unconditional }))
      expect(patched).toMatchObject({ _tag: "StoreUnavailable", tier: "durable" })
      expect(yield* stack.drafts.pendingCount).toBe(0)
    }))

  it.scoped("seq comes from the clock", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* TestClock.adjust(Duration.millis(5 * minute))
      yield* stack.durableFaults.failNext(outage)

      const created = yield* save(stack, { page: 1 })
      expect(created.seq).toBe(5 * minute)
      expect(created.createdAt).toBe(5 * minute)
    }))
})

describe("checking an unverified version before persisting", () => {
  it.scoped("a lost live draft wins over the create", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const before = yield* resolutions("discard-existing-draft")
      const original = yield* save(stack, { page: "original" })
      expect((yield* stack.drafts.flush(ref)).durable).toBe(true)

      yield* stack.loseHotTier
      yield* TestClock.adjust(Duration.millis(minute))
      yield* stack.durableFaults.failNext(outage)
      const unverified = yield* save(stack, { page: "unverified" })
      expect((yield* stack.drafts.load(ref)).document).toBe('{"page":"unverified"}')

      expect(yield* recoverAndPersist(stack)).toMatchObject({ persisted: 1, failed: 0 })
      const loaded = yield* stack.drafts.load(ref)
      expect(loaded).toMatchObject({ etag: original.etag, durable: true, tier: "hot", document: '{"page":"original"}' })
      expect(yield* stack.drafts.pendingCount).toBe(0)
      expect((yield* resolutions("discard-existing-draft")) - before).toBe(1)

      const stale = yield* Effect.flip(save(stack, { page: 2 }, Replace(unverified.etag)))
      expect(stale).toMatchObject({ _tag: "PreconditionFailed", reason: "stale-version" })
    }))

  it.scoped("a submitted draft wins over the create", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const before = yield* resolutions("discard-submitted")
      yield* save(stack, { page: "final" })
      const submitted = yield* stack.drafts.submit({ ...ref, precondition: Unconditional })
      expect(submitted.version.durable).toBe(true)

      yield* stack.loseHotTier
      yield* TestClock.adjust(Duration.millis(minute))
      yield* stack.durableFaults.failNext(outage)
      yield* save(stack, { page: "again" })

      yield* recoverAndPersist(stack)
      expect(yield* stack.drafts.load(ref)).toMatchObject({ state: "submitted", etag: submitted.version.etag })
      expect((yield* resolutions("discard-submitted")) - before).toBe(1)
    }))

  it.scoped("a newer deletion wins over the create", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const before = yield* resolutions("discard-newer-version")
      const key = stack.keyOf(ref.owner, ref.draftId)
      yield* save(stack, { page: 1 })
      yield* TestClock.adjust(Duration.millis(minute))
      expect((yield* stack.drafts.delete(ref)).durable).toBe(true)
      const tombstone = yield* newestDurable(stack, key)

      // The clock is behind the deletion's, as on an instance whose clock lags.
      yield* stack.loseHotTier
      yield* TestClock.adjust(Duration.millis(-minute))
      yield* stack.durableFaults.failNext(outage)
      yield* save(stack, { page: "late" })

      yield* recoverAndPersist(stack)
      expect(yield* Effect.flip(stack.drafts.load(ref))).toMatchObject({ _tag: "DraftNotFound" })
      expect((yield* newestDurable(stack, key)).path).toBe(tombstone.path)
      expect(Option.isNone(yield* hotBytes(stack, key))).toBe(true)
      expect((yield* resolutions("discard-newer-version")) - before).toBe(1)
    }))

  it.scoped("an older deletion lets the create through", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* save(stack, { page: 1 })
      expect((yield* stack.drafts.delete(ref)).durable).toBe(true)

      yield* stack.loseHotTier
      yield* TestClock.adjust(Duration.millis(minute))
      yield* stack.durableFaults.failNext(outage)
      const created = yield* save(stack, { page: "new" })

      yield* recoverAndPersist(stack)
      expect(yield* stack.drafts.load(ref)).toMatchObject({ etag: created.etag, durable: true, document: '{"page":"new"}' })
    }))

  it.scoped("flush returns the durable version after a discard", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const original = yield* save(stack, { page: "original" })
      yield* stack.drafts.flush(ref)

      yield* stack.loseHotTier
      yield* TestClock.adjust(Duration.millis(minute))
      yield* stack.durableFaults.failNext(outage)
      yield* save(stack, { page: "unverified" })
      yield* stack.durableFaults.clear

      expect(yield* stack.drafts.flush(ref)).toMatchObject({ etag: original.etag, durable: true })
    }))
})
