import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Option, TestClock } from "effect"
import type { StoreUnavailable } from "../domain/errors.ts"
import { versionPath } from "../programs/durablePaths.ts"
import { Create, Replace, Unconditional } from "../programs/model.ts"
import { sampleWholeClaim } from "./support/claims/index.ts"
import { draftId, ownerId } from "./support/draftIds.ts"
import type { DraftStack, DraftsService } from "./support/draftStack.ts"
import { memoryStack } from "./support/memoryStack.ts"
import { allStoredRecords, durablePaths, hotBytes, newestDurable, plantHotRecord } from "./support/storedBytes.ts"

const alice = ownerId("claimant-a1c3e5")
const bob = ownerId("claimant-b2d4f6")
const firstId = draftId("Mq3Zt8Kp1Wx6Rv2N")
const secondId = draftId("Fh7Lc0Yb5Gs9Dj4E")
const thirdId = draftId("Tn2Pw4Qa6Sd8Ur0X")
const aliceFirst = { owner: alice, draftId: firstId }
const aliceSecond = { owner: alice, draftId: secondId }
const aliceThird = { owner: alice, draftId: thirdId }
const bobFirst = { owner: bob, draftId: firstId }

const second = 1_000
const minute = 60 * second
const hour = 60 * minute
const day = 24 * hour

/** Offset of `expiresAt` in a record header (docs/envelope.md). */
const expiresAtOffset = 40

const advance = (millis: number) => TestClock.adjust(Duration.millis(millis))

/** The error of an effect that must fail; a success fails the test. */
const failureOf = <A, E>(effect: Effect.Effect<A, E>) => Effect.flip(effect)

const tagOf = <A, E extends { readonly _tag: string }>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.flip(effect), (error) => error._tag)

const nested = (depth: number): unknown => {
  let value: unknown = { bottom: true }
  for (let level = 1; level < depth; level++) value = level % 3 === 0 ? [value] : { level: value }
  return value
}

const create = (stack: DraftStack, ref: typeof aliceFirst, value: unknown) =>
  stack.drafts.save({ ...ref, document: JSON.stringify(value), precondition: Create })

const replace = (stack: DraftStack, ref: typeof aliceFirst, value: unknown) =>
  stack.drafts.save({ ...ref, document: JSON.stringify(value), precondition: Unconditional })

describe("preconditions", () => {
  it.scoped("create twice fails with already-exists", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })

      const error = yield* failureOf(create(stack, aliceFirst, { page: 2 }))
      expect(error).toMatchObject({ _tag: "PreconditionFailed", reason: "already-exists" })
      expect((yield* stack.drafts.load(aliceFirst)).document).toBe(`{"page":1}`)
    }))

  it.scoped("stale ETag fails every write", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const first = yield* create(stack, aliceFirst, { page: 1 })
      const current = yield* stack.drafts.save({ ...aliceFirst, document: `{"page":2}`, precondition: Replace(first.etag) })
      const stale = Replace(first.etag)

      const failures = [
        yield* failureOf(stack.drafts.save({ ...aliceFirst, document: `{"page":3}`, precondition: stale })),
        yield* failureOf(stack.drafts.patch({ ...aliceFirst, patch: `{"page":3}`, precondition: stale })),
        yield* failureOf(stack.drafts.submit({ ...aliceFirst, precondition: stale })),
        yield* failureOf(stack.drafts.delete({ ...aliceFirst, etag: first.etag }))
      ]
      for (const error of failures) expect(error).toMatchObject({ _tag: "PreconditionFailed", reason: "stale-version" })

      const loaded = yield* stack.drafts.load(aliceFirst)
      expect(loaded.etag).toBe(current.etag)
      expect(loaded.document).toBe(`{"page":2}`)
    }))

  it.scoped("weak ETag never matches", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const { etag } = yield* create(stack, aliceFirst, { page: 1 })
      const weak = Replace(`W/${etag}`)

      const failures = [
        yield* failureOf(stack.drafts.save({ ...aliceFirst, document: `{"page":2}`, precondition: weak })),
        yield* failureOf(stack.drafts.patch({ ...aliceFirst, patch: `{"page":2}`, precondition: weak })),
        yield* failureOf(stack.drafts.submit({ ...aliceFirst, precondition: weak })),
        yield* failureOf(stack.drafts.delete({ ...aliceFirst, etag: `W/${etag}` }))
      ]
      for (const error of failures) expect(error).toMatchObject({ _tag: "PreconditionFailed", reason: "stale-version" })
      expect((yield* stack.drafts.load(aliceFirst)).etag).toBe(etag)
    }))

  it.scoped("replace of a missing draft fails its precondition", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const precondition = Replace(`"1-AAAAAAAAAAAAAAAA"`)
      const wellFormed = Replace(`"1-1700000000000-dAAAAAAAAAAAAAAAA"`)
      const noCurrentVersion = { _tag: "PreconditionFailed", reason: "no-current-version" }

      expect(yield* failureOf(stack.drafts.save({ ...aliceFirst, document: "{}", precondition }))).toMatchObject(noCurrentVersion)
      expect(yield* failureOf(stack.drafts.save({ ...aliceFirst, document: "{}", precondition: wellFormed }))).toMatchObject(noCurrentVersion)
      expect(yield* failureOf(stack.drafts.patch({ ...aliceFirst, patch: "{}", precondition }))).toMatchObject(noCurrentVersion)
      expect(yield* tagOf(stack.drafts.patch({ ...aliceFirst, patch: "{}", precondition: Create }))).toBe("DraftNotFound")
      expect(yield* tagOf(stack.drafts.patch({ ...aliceFirst, patch: "{}", precondition: Unconditional }))).toBe("DraftNotFound")
    }))

  it.scoped("If-Match of a version only the durable tier holds replaces it", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const created = yield* create(stack, aliceFirst, { page: 1 })
      yield* stack.drafts.flush(aliceFirst)
      yield* stack.loseHotTier

      const saved = yield* stack.drafts.save({ ...aliceFirst, document: `{"page":2}`, precondition: Replace(created.etag) })
      expect(saved.seq).toBeGreaterThan(created.seq)
      expect(saved.createdAt).toBe(created.createdAt)
      expect((yield* stack.drafts.load(aliceFirst)).document).toBe(`{"page":2}`)
    }))

  it.scoped("an ETag edited to claim another creation time never matches", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const { etag, createdAt } = yield* create(stack, aliceFirst, { page: 1 })
      const edited = etag.replace(`-${createdAt}-`, `-${createdAt + day}-`)
      expect(edited).not.toBe(etag)

      const error = yield* failureOf(stack.drafts.save({ ...aliceFirst, document: `{"page":2}`, precondition: Replace(edited) }))
      expect(error).toMatchObject({ _tag: "PreconditionFailed", reason: "stale-version" })
      expect((yield* stack.drafts.load(aliceFirst)).etag).toBe(etag)
    }))

  /**
   * Runs `write` once per value in a new process whose first save waits for a data key, so
   * every write reads the current version before any of them stores its own.
   */
  const race = <A, E>(stack: DraftStack, values: ReadonlyArray<number>, write: (drafts: DraftsService, value: number) => Effect.Effect<A, E>) =>
    Effect.gen(function* () {
      const writer = yield* stack.startProcess
      yield* stack.generateGate.close
      const racing = yield* Effect.fork(
        Effect.forEach(values, (value) => Effect.either(write(writer, value)), { concurrency: "unbounded" })
      )
      for (let turn = 0; turn < 200; turn++) yield* Effect.yieldNow()
      yield* stack.generateGate.open
      return yield* Fiber.join(racing)
    })

  it.scoped("concurrent writes naming one version let one win", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const { etag } = yield* create(stack, aliceFirst, { page: 0 })

      const results = yield* race(stack, [1, 2, 3, 4, 5], (drafts, page) =>
        drafts.save({ ...aliceFirst, document: JSON.stringify({ page }), precondition: Replace(etag) })
      )
      const winners = results.filter((result) => result._tag === "Right")
      expect(winners).toHaveLength(1)
      for (const result of results) {
        if (result._tag === "Left") expect(result.left).toMatchObject({ _tag: "PreconditionFailed", reason: "stale-version" })
      }
      expect((yield* stack.drafts.load(aliceFirst)).etag).toBe(winners[0]!.right.etag)
    }))

  it.scoped("concurrent creates let one win", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()

      const results = yield* race(stack, [1, 2, 3], (drafts, page) =>
        drafts.save({ ...aliceFirst, document: JSON.stringify({ page }), precondition: Create })
      )
      expect(results.filter((result) => result._tag === "Right")).toHaveLength(1)
      for (const result of results) {
        if (result._tag === "Left") expect(result.left).toMatchObject({ _tag: "PreconditionFailed", reason: "already-exists" })
      }
    }))

  it.scoped("concurrent unconditional saves all apply in some order", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()

      const results = yield* race(stack, [1, 2, 3, 4], (drafts, page) =>
        drafts.save({ ...aliceFirst, document: JSON.stringify({ page }), precondition: Unconditional })
      )
      const seqs = results.map((result) => (result._tag === "Right" ? result.right.seq : 0)).sort()
      expect(seqs).toEqual([1, 2, 3, 4])
      expect((yield* stack.drafts.load(aliceFirst)).seq).toBe(4)
    }))

  it.scoped("equal content saved twice gets two ETags", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const first = yield* create(stack, aliceFirst, { page: 1 })
      const again = yield* replace(stack, aliceFirst, { page: 1 })

      expect(again.etag).not.toBe(first.etag)
      expect(again.seq).toBe(first.seq + 1)
    }))

  it.scoped("ETag of a lost version never matches after restore", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const durable = yield* create(stack, aliceFirst, { page: 1 })
      yield* stack.drafts.flush(aliceFirst)
      const lost = yield* stack.drafts.save({ ...aliceFirst, document: `{"page":2}`, precondition: Replace(durable.etag) })
      yield* stack.loseHotTier

      const restored = yield* stack.drafts.load(aliceFirst)
      expect(restored.etag).toBe(durable.etag)
      const error = yield* failureOf(stack.drafts.save({ ...aliceFirst, document: `{"page":3}`, precondition: Replace(lost.etag) }))
      expect(error).toMatchObject({ _tag: "PreconditionFailed", reason: "stale-version" })

      const rewritten = yield* stack.drafts.save({ ...aliceFirst, document: `{"page":"2b"}`, precondition: Replace(durable.etag) })
      expect(rewritten.seq).toBe(lost.seq)
      expect(rewritten.etag).not.toBe(lost.etag)
    }))
})

describe("owners", () => {
  it.scoped("another owner's draft is not found", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const saved = yield* create(stack, aliceFirst, { ssn: "900-41-0003" })
      const precondition = Replace(saved.etag)

      // A replace fails as it does on a draft that never existed, so it reveals nothing either.
      const replaces = [
        yield* failureOf(stack.drafts.save({ ...bobFirst, document: "{}", precondition })),
        yield* failureOf(stack.drafts.patch({ ...bobFirst, patch: "{}", precondition }))
      ]
      for (const error of replaces) expect(error).toMatchObject({ _tag: "PreconditionFailed", reason: "no-current-version" })

      const tags = [
        yield* tagOf(stack.drafts.load(bobFirst)),
        yield* tagOf(stack.drafts.flush(bobFirst)),
        yield* tagOf(stack.drafts.submit({ ...bobFirst, precondition })),
        yield* tagOf(stack.drafts.delete({ ...bobFirst, etag: saved.etag })),
        yield* tagOf(stack.drafts.delete(bobFirst))
      ]
      expect(tags).toEqual(Array(tags.length).fill("DraftNotFound"))
      expect(yield* stack.drafts.list(bob)).toEqual([])
      expect(yield* stack.drafts.deleteAll(bob)).toEqual({ deleted: 0, durable: true })

      yield* create(stack, bobFirst, { bob: true })
      expect((yield* stack.drafts.load(bobFirst)).document).toBe(`{"bob":true}`)
      expect((yield* stack.drafts.load(aliceFirst)).document).toBe(`{"ssn":"900-41-0003"}`)
    }))
})

describe("document rules", () => {
  it.scoped("patch whose result is not an object is invalid", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })

      for (const patch of ["[1]", "null", `"text"`, "7"]) {
        const error = yield* failureOf(stack.drafts.patch({ ...aliceFirst, patch, precondition: Unconditional }))
        expect(error, patch).toMatchObject({ _tag: "InvalidDocument", field: "merge result" })
      }
      expect((yield* stack.drafts.load(aliceFirst)).seq).toBe(1)
    }))

  it.scoped("body that is not an object is invalid", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()

      for (const document of ["[1]", "null", `"text"`, "7", ""]) {
        const error = yield* failureOf(stack.drafts.save({ ...aliceFirst, document, precondition: Create }))
        expect(error, document).toMatchObject({ _tag: "InvalidDocument", field: "body" })
      }
    }))

  it.scoped("invalid JSON is reported without its content", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      const broken = `{"ssn":"900-41-0005","name":"Müller",}`

      const saveError = yield* failureOf(stack.drafts.save({ ...aliceSecond, document: broken, precondition: Create }))
      const patchError = yield* failureOf(stack.drafts.patch({ ...aliceFirst, patch: broken, precondition: Unconditional }))
      for (const error of [saveError, patchError]) {
        expect(error).toMatchObject({ _tag: "InvalidDocument", field: "body" })
        expect(error.message).not.toMatch(/900-41|Müller|ssn/)
        expect(JSON.stringify(error)).not.toMatch(/900-41|Müller|ssn/)
      }
    }))

  it.scoped("too large is DraftTooLarge naming the field", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack({ config: { maxDocumentBytes: 1_000 } })
      // "é" is two bytes in UTF-8: the limit counts bytes, not characters.
      const fitting = JSON.stringify({ note: `x${"é".repeat(494)}` })
      const tooLarge = JSON.stringify({ note: `xx${"é".repeat(494)}` })
      expect([Buffer.byteLength(fitting), Buffer.byteLength(tooLarge)]).toEqual([1_000, 1_001])
      yield* stack.drafts.save({ ...aliceFirst, document: fitting, precondition: Create })

      const saveError = yield* failureOf(stack.drafts.save({ ...aliceFirst, document: tooLarge, precondition: Unconditional }))
      expect(saveError).toMatchObject({ _tag: "DraftTooLarge", field: "body", limitBytes: 1_000 })
      expect(saveError.message).toContain("body")
      expect(saveError.message).not.toContain("é")

      const patchError = yield* failureOf(stack.drafts.patch({ ...aliceFirst, patch: tooLarge, precondition: Unconditional }))
      expect(patchError).toMatchObject({ _tag: "DraftTooLarge", field: "body" })

      const growing = JSON.stringify({ more: "x".repeat(10) })
      const mergeError = yield* failureOf(stack.drafts.patch({ ...aliceFirst, patch: growing, precondition: Unconditional }))
      expect(mergeError).toMatchObject({ _tag: "DraftTooLarge", field: "merge result", limitBytes: 1_000 })
      expect((yield* stack.drafts.load(aliceFirst)).document).toBe(fitting)
    }))

  it.scoped("nesting deeper than the limit is invalid", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const limit = stack.config.maxDepth

      yield* create(stack, aliceFirst, nested(limit))
      const error = yield* failureOf(create(stack, aliceSecond, nested(limit + 1)))
      expect(error).toMatchObject({ _tag: "InvalidDocument", field: "body" })
      expect(error.message).toContain(`${limit} levels`)

      yield* create(stack, aliceSecond, { shallow: true })
      const deeper = JSON.stringify({ shallow: nested(limit) })
      const patchError = yield* failureOf(stack.drafts.patch({ ...aliceSecond, patch: deeper, precondition: Unconditional }))
      expect(patchError).toMatchObject({ _tag: "InvalidDocument", field: "merge result" })
    }))

  it.scoped("patch merges as RFC 7386 describes", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { a: "b", c: { d: "e", f: "g" }, list: [1, 2], gone: 1 })

      const patched = yield* stack.drafts.patch({
        ...aliceFirst,
        patch: `{"a":"z","c":{"f":null,"h":[null]},"list":[3],"gone":null,"new":{"x":null}}`,
        precondition: Unconditional
      })
      expect(patched.seq).toBe(2)
      expect((yield* stack.drafts.load(aliceFirst)).document).toBe(`{"a":"z","c":{"d":"e","h":[null]},"list":[3],"new":{}}`)
    }))

  it.scoped("patch keeps a member named __proto__", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { a: 1 })

      yield* stack.drafts.patch({ ...aliceFirst, patch: `{"__proto__":{"x":1},"b":{"__proto__":2}}`, precondition: Unconditional })
      expect((yield* stack.drafts.load(aliceFirst)).document).toBe(`{"a":1,"__proto__":{"x":1},"b":{"__proto__":2}}`)

      yield* stack.drafts.patch({ ...aliceFirst, patch: `{"__proto__":{"y":2}}`, precondition: Unconditional })
      expect((yield* stack.drafts.load(aliceFirst)).document).toBe(`{"a":1,"__proto__":{"x":1,"y":2},"b":{"__proto__":2}}`)
    }))
})

describe("expiry", () => {
  it.scoped("a draft expires 7 days after its last save", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const saved = yield* create(stack, aliceFirst, { page: 1 })
      expect(saved.expiresAt - saved.savedAt).toBe(7 * day)

      yield* advance(7 * day - 1)
      expect((yield* stack.drafts.load(aliceFirst)).etag).toBe(saved.etag)
      yield* advance(1)
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")
    }))

  it.scoped("saves never extend a draft past 30 days", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const created = yield* create(stack, aliceFirst, { save: 0 })

      let latest = created
      for (const dayOfSave of [6, 12, 18, 24, 29]) {
        yield* advance(created.createdAt + dayOfSave * day - latest.savedAt)
        latest = yield* replace(stack, aliceFirst, { save: dayOfSave })
      }
      expect(latest.createdAt).toBe(created.createdAt)
      expect(latest.expiresAt).toBe(created.createdAt + 30 * day)

      yield* advance(created.createdAt + 30 * day - 1 - latest.savedAt)
      expect((yield* stack.drafts.load(aliceFirst)).etag).toBe(latest.etag)
      yield* advance(1)
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")
      expect(yield* tagOf(stack.drafts.patch({ ...aliceFirst, patch: `{"late":1}`, precondition: Unconditional }))).toBe(
        "DraftNotFound"
      )

      const restarted = yield* create(stack, aliceFirst, { fresh: true })
      expect(restarted.createdAt).toBe(created.createdAt + 30 * day)
    }))

  it.scoped("reading never extends a draft's life", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const saved = yield* create(stack, aliceFirst, { page: 1 })

      yield* advance(3 * day)
      yield* stack.drafts.load(aliceFirst)
      yield* stack.drafts.flush(aliceFirst)
      yield* stack.drafts.list(alice)
      yield* stack.loseHotTier
      yield* advance(3 * day)
      const restored = yield* stack.drafts.load(aliceFirst)
      expect(restored.tier).toBe("durable")
      expect(restored.expiresAt).toBe(saved.expiresAt)
      expect((yield* stack.drafts.load(aliceFirst)).tier).toBe("hot")

      yield* advance(day)
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")
    }))

  it.scoped("an expired draft is not found while both tiers hold its bytes", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      yield* stack.drafts.flush(aliceFirst)
      const key = stack.keyOf(alice, firstId)
      const bytes = Option.getOrThrow(yield* hotBytes(stack, key))

      yield* advance(7 * day)
      // A hot store whose TTL lags, or a clock that runs behind, still holds the record.
      yield* plantHotRecord(stack, key, bytes)
      expect(Option.isSome(yield* hotBytes(stack, key))).toBe(true)
      expect(yield* durablePaths(stack, key)).toHaveLength(1)

      const tags = [
        yield* tagOf(stack.drafts.load(aliceFirst)),
        yield* tagOf(stack.drafts.flush(aliceFirst)),
        yield* tagOf(stack.drafts.patch({ ...aliceFirst, patch: "{}", precondition: Unconditional })),
        yield* tagOf(stack.drafts.submit({ ...aliceFirst, precondition: Unconditional })),
        yield* tagOf(stack.drafts.delete(aliceFirst))
      ]
      expect(tags).toEqual(Array(tags.length).fill("DraftNotFound"))
      expect(yield* stack.drafts.list(alice)).toEqual([])

      yield* stack.loseHotTier
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")
      expect(Option.isNone(yield* hotBytes(stack, key))).toBe(true)
    }))

  it.scoped("editing the expiry of an expired record fails integrity", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { ssn: "900-41-0006" })
      yield* stack.drafts.flush(aliceFirst)
      const key = stack.keyOf(alice, firstId)
      const { bytes, path } = yield* newestDurable(stack, key)

      yield* advance(8 * day)
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")

      const revived = Uint8Array.from(bytes)
      new DataView(revived.buffer).setBigUint64(expiresAtOffset, BigInt(16 * day))
      yield* stack.durable.put(path, revived)
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("IntegrityFailure")

      yield* plantHotRecord(stack, key, revived)
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("IntegrityFailure")
      expect(yield* stack.drafts.list(alice)).toEqual([])
    }))
})

describe("submit", () => {
  it.scoped("a submitted draft is read-only", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const saved = yield* create(stack, aliceFirst, { ssn: "900-41-0009" })

      const submitted = yield* stack.drafts.submit({ ...aliceFirst, precondition: Replace(saved.etag) })
      expect(submitted.document).toBe(`{"ssn":"900-41-0009"}`)
      expect(submitted.version).toMatchObject({ state: "submitted", seq: 2, durable: true, createdAt: saved.createdAt })
      expect(submitted.version.expiresAt - submitted.version.savedAt).toBe(hour)

      const tags = [
        yield* tagOf(stack.drafts.save({ ...aliceFirst, document: "{}", precondition: Replace(submitted.version.etag) })),
        yield* tagOf(stack.drafts.save({ ...aliceFirst, document: "{}", precondition: Unconditional })),
        yield* tagOf(stack.drafts.patch({ ...aliceFirst, patch: "{}", precondition: Replace(submitted.version.etag) }))
      ]
      expect(tags).toEqual(["DraftSubmitted", "DraftSubmitted", "DraftSubmitted"])

      const loaded = yield* stack.drafts.load(aliceFirst)
      expect(loaded).toMatchObject({ state: "submitted", etag: submitted.version.etag, document: submitted.document })
      expect((yield* stack.drafts.list(alice)).map((version) => version.state)).toEqual(["submitted"])
    }))

  it.scoped("a retried submit within the grace period returns the same document", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const saved = yield* create(stack, aliceFirst, { page: 9 })
      const submitted = yield* stack.drafts.submit({ ...aliceFirst, precondition: Replace(saved.etag) })

      yield* advance(hour - 1)
      for (const precondition of [Create, Replace(saved.etag), Replace(submitted.version.etag), Unconditional]) {
        const retried = yield* stack.drafts.submit({ ...aliceFirst, precondition })
        expect(retried.document).toBe(submitted.document)
        expect(retried.version.etag).toBe(submitted.version.etag)
      }

      yield* stack.loseHotTier
      const retried = yield* stack.drafts.submit({ ...aliceFirst, precondition: Unconditional })
      expect(retried.version).toEqual(submitted.version)
    }))

  it.scoped("after the grace period the submitted draft is not found", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 9 })
      yield* stack.drafts.submit({ ...aliceFirst, precondition: Unconditional })

      yield* advance(hour)
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")
      expect(yield* tagOf(stack.drafts.submit({ ...aliceFirst, precondition: Unconditional }))).toBe("DraftNotFound")
      yield* stack.loseHotTier
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")

      const fresh = yield* create(stack, aliceFirst, { page: 1 })
      expect(fresh.state).toBe("draft")
    }))

  it.scoped("sweep removes a submitted draft from the durable tier", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 9 })
      yield* stack.drafts.flush(aliceFirst)
      yield* stack.drafts.submit({ ...aliceFirst, precondition: Unconditional })
      const key = stack.keyOf(alice, firstId)

      expect(yield* stack.drafts.sweepExpired).toEqual({ scanned: 1, deleted: 0 })
      expect(yield* durablePaths(stack, key)).toEqual([versionPath(key, 2, "submitted")])

      yield* advance(hour)
      expect(yield* stack.drafts.sweepExpired).toEqual({ scanned: 1, deleted: 1 })
      expect(yield* durablePaths(stack, key)).toEqual([])
    }))

  it.scoped("submit while the durable tier fails is persisted later", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 9 })

      yield* stack.durableFaults.failNext(1)
      const submitted = yield* stack.drafts.submit({ ...aliceFirst, precondition: Unconditional })
      expect(submitted.version.durable).toBe(false)
      expect(yield* stack.drafts.pendingCount).toBe(1)

      yield* advance(Duration.toMillis(stack.config.persistDebounce))
      expect(yield* stack.drafts.persistPending).toEqual({ claimed: 1, persisted: 1, failed: 0 })
      yield* stack.loseHotTier
      expect(yield* stack.drafts.load(aliceFirst)).toMatchObject({ state: "submitted", etag: submitted.version.etag })
    }))
})

describe("delete", () => {
  it.scoped("delete is never undone by a flush in flight", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      const key = stack.keyOf(alice, firstId)

      const held = yield* stack.holdNextDurablePut
      const flushing = yield* Effect.fork(stack.drafts.flush(aliceFirst))
      yield* held.started
      expect(yield* stack.drafts.delete(aliceFirst)).toEqual({ durable: true })
      yield* held.release
      yield* Fiber.join(flushing)

      expect(yield* durablePaths(stack, key)).toEqual([versionPath(key, 2, "tombstone"), versionPath(key, 1, "draft")])
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")
      yield* stack.loseHotTier
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")
      expect(yield* stack.drafts.list(alice)).toEqual([])

      expect(yield* stack.drafts.sweepExpired).toEqual({ scanned: 1, deleted: 0 })
      expect(yield* durablePaths(stack, key)).toEqual([versionPath(key, 2, "tombstone")])
    }))

  it.scoped("delete is never undone by a write-behind round in flight", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      yield* advance(Duration.toMillis(stack.config.persistDebounce))

      const held = yield* stack.holdNextDurablePut
      const persisting = yield* Effect.fork(stack.drafts.persistPending)
      yield* held.started
      expect(yield* stack.drafts.delete(aliceFirst)).toEqual({ durable: true })
      yield* held.release
      expect(yield* Fiber.join(persisting)).toEqual({ claimed: 1, persisted: 1, failed: 0 })

      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")
      yield* stack.loseHotTier
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")
      expect(yield* stack.drafts.pendingCount).toBe(0)
    }))

  it.scoped("an older version stored after the tombstone stays hidden", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      const key = stack.keyOf(alice, firstId)
      const older = Option.getOrThrow(yield* hotBytes(stack, key))
      yield* stack.drafts.delete(aliceFirst)

      yield* stack.durable.put(versionPath(key, 1, "draft"), older)
      yield* stack.loseHotTier
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")
      expect(yield* stack.drafts.list(alice)).toEqual([])
    }))

  it.scoped("delete while the durable tier fails reports not durable", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      yield* stack.drafts.flush(aliceFirst)

      yield* stack.durableFaults.failNext(1)
      expect(yield* stack.drafts.delete(aliceFirst)).toEqual({ durable: false })
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")

      yield* advance(Duration.toMillis(stack.config.persistDebounce))
      expect(yield* stack.drafts.persistPending).toEqual({ claimed: 1, persisted: 1, failed: 0 })
      yield* stack.loseHotTier
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")
    }))

  it.scoped("deleteAll erases every draft of the owner only", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      yield* stack.drafts.flush(aliceFirst)
      yield* create(stack, aliceSecond, { page: 2 })
      yield* create(stack, aliceThird, { page: 3 })
      yield* stack.drafts.delete(aliceThird)
      yield* create(stack, bobFirst, { bob: true })
      // After this loss only the durable tier contains alice's first draft.
      yield* stack.loseHotTier
      yield* create(stack, aliceSecond, { page: 2 })

      expect(yield* stack.drafts.deleteAll(alice)).toEqual({ deleted: 2, durable: true })
      for (const ref of [aliceFirst, aliceSecond, aliceThird]) {
        expect(yield* tagOf(stack.drafts.load(ref))).toBe("DraftNotFound")
      }
      yield* stack.loseHotTier
      for (const ref of [aliceFirst, aliceSecond, aliceThird]) {
        expect(yield* tagOf(stack.drafts.load(ref))).toBe("DraftNotFound")
      }
      expect(yield* stack.drafts.list(alice)).toEqual([])
      expect(yield* stack.drafts.deleteAll(alice)).toEqual({ deleted: 0, durable: true })
    }))

  it.scoped("deleteAll erases a draft that fails integrity", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      yield* stack.drafts.flush(aliceFirst)
      const key = stack.keyOf(alice, firstId)
      const stored = yield* newestDurable(stack, key)
      const corrupted = Uint8Array.from(stored.bytes)
      corrupted[3] = 0x7f
      yield* plantHotRecord(stack, key, corrupted)
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("IntegrityFailure")

      expect(yield* stack.drafts.deleteAll(alice)).toEqual({ deleted: 1, durable: true })
      expect(yield* hotBytes(stack, key)).toEqual(Option.none())
      expect(yield* durablePaths(stack, key)).toEqual([])
      expect(yield* tagOf(stack.drafts.load(aliceFirst))).toBe("DraftNotFound")
    }))
})

describe("list", () => {
  it.scoped("lists the owner's live drafts newest first", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const first = yield* create(stack, aliceFirst, { page: 1 })
      yield* advance(second)
      const secondSaved = yield* create(stack, aliceSecond, { page: 2 })
      yield* advance(second)
      yield* create(stack, aliceThird, { page: 3 })
      yield* stack.drafts.delete(aliceThird)
      yield* create(stack, bobFirst, { bob: true })
      yield* stack.drafts.flush(aliceFirst)

      const listed = yield* stack.drafts.list(alice)
      expect(listed).toEqual([
        { ...secondSaved, durable: false },
        { ...first, durable: true }
      ])
      expect(listed.map((version) => Object.keys(version).sort())[0]).toEqual(
        ["createdAt", "draftId", "durable", "etag", "expiresAt", "savedAt", "seq", "state"]
      )
      expect((yield* stack.drafts.list(bob)).map((version) => version.draftId)).toEqual([firstId])
    }))

  it.scoped("list leaves out a draft that fails integrity", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      const kept = yield* create(stack, aliceSecond, { page: 2 })
      const key = stack.keyOf(alice, firstId)
      const bytes = Option.getOrThrow(yield* hotBytes(stack, key))
      const tampered = Uint8Array.from(bytes)
      tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0x01

      yield* plantHotRecord(stack, key, tampered)
      expect(yield* stack.drafts.list(alice)).toEqual([kept])
    }))

  it.scoped("list finds drafts only the durable tier holds", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const first = yield* create(stack, aliceFirst, { page: 1 })
      yield* stack.drafts.flush(aliceFirst)
      yield* create(stack, aliceSecond, { page: 2 })
      yield* stack.loseHotTier

      expect(yield* stack.drafts.list(alice)).toEqual([{ ...first, durable: true }])
    }))
})

describe("write-behind", () => {
  it.scoped("a pending draft is due 5 seconds after its save", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      expect(yield* stack.drafts.pendingCount).toBe(1)

      yield* advance(5 * second - 1)
      expect(yield* stack.drafts.persistPending).toEqual({ claimed: 0, persisted: 0, failed: 0 })
      expect(stack.durablePuts).toHaveLength(0)

      yield* advance(1)
      expect(yield* stack.drafts.persistPending).toEqual({ claimed: 1, persisted: 1, failed: 0 })
      expect(stack.durablePuts).toHaveLength(1)
      expect(yield* stack.drafts.pendingCount).toBe(0)
      expect((yield* stack.drafts.load(aliceFirst)).durable).toBe(true)
    }))

  it.scoped("a later save postpones the due time", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      yield* advance(4 * second)
      const latest = yield* replace(stack, aliceFirst, { page: 2 })

      yield* advance(5 * second - 1)
      expect((yield* stack.drafts.persistPending).claimed).toBe(0)
      yield* advance(1)
      expect((yield* stack.drafts.persistPending).claimed).toBe(1)

      yield* stack.loseHotTier
      expect((yield* stack.drafts.load(aliceFirst)).etag).toBe(latest.etag)
    }))

  it.scoped("a draft is due at most 30 seconds after its first unpersisted save", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { save: 0 })
      for (let at = 4; at <= 28; at += 4) {
        yield* advance(4 * second)
        yield* replace(stack, aliceFirst, { save: at })
        expect((yield* stack.drafts.persistPending).claimed, `at ${at} s`).toBe(0)
      }

      yield* advance(2 * second - 1)
      expect((yield* stack.drafts.persistPending).claimed).toBe(0)
      yield* advance(1)
      expect((yield* stack.drafts.persistPending).claimed).toBe(1)
      expect(stack.durablePuts).toHaveLength(1)
    }))

  it.scoped("many saves coalesce into few durable writes", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { save: 0 })

      // One save a second for a minute, with a write-behind round after each second.
      for (let at = 1; at < 60; at++) {
        yield* advance(second)
        yield* stack.drafts.persistPending
        yield* replace(stack, aliceFirst, { save: at })
      }
      yield* advance(second)
      yield* stack.drafts.persistPending

      // A seq is never below its write's time in milliseconds, so the persisted versions, the
      // saves at 29 s (due at the 30 s max delay) and at 59 s, carry those times as their seq.
      expect(stack.durablePuts).toHaveLength(2)
      const key = stack.keyOf(alice, firstId)
      expect(stack.durablePuts).toEqual([versionPath(key, 29 * second, "draft"), versionPath(key, 59 * second, "draft")])
      expect(yield* durablePaths(stack, key)).toEqual([versionPath(key, 59 * second, "draft")])
    }))

  it.scoped("a full pending set rejects new drafts with StoreUnavailable", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack({ config: { pendingLimit: 2 } })
      yield* create(stack, aliceFirst, { page: 1 })
      yield* create(stack, aliceSecond, { page: 2 })

      const error = yield* failureOf(create(stack, bobFirst, { bob: true }))
      expect(error).toMatchObject({ _tag: "StoreUnavailable", tier: "hot" })
      expect((error as StoreUnavailable).retryAfterSeconds).toBeGreaterThan(0)
      expect(yield* tagOf(stack.drafts.load(bobFirst))).toBe("DraftNotFound")

      yield* replace(stack, aliceFirst, { page: 1.5 })
      expect(yield* stack.drafts.persistAll).toEqual({ claimed: 2, persisted: 2, failed: 0 })
      yield* create(stack, bobFirst, { bob: true })
    }))

  it.scoped("flush fails while the durable tier fails", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const saved = yield* create(stack, aliceFirst, { page: 1 })

      yield* stack.durableFaults.failNext(1)
      const error = yield* failureOf(stack.drafts.flush(aliceFirst))
      expect(error).toMatchObject({ _tag: "StoreUnavailable", tier: "durable" })
      expect(yield* stack.drafts.pendingCount).toBe(1)

      expect(yield* stack.drafts.flush(aliceFirst)).toMatchObject({ etag: saved.etag, durable: true })
      expect(yield* stack.drafts.pendingCount).toBe(0)
    }))

  it.scoped("persistAll persists every pending draft", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const saved = [
        yield* create(stack, aliceFirst, { page: 1 }),
        yield* create(stack, aliceSecond, { page: 2 }),
        yield* create(stack, bobFirst, { bob: true })
      ]
      expect(yield* stack.drafts.persistPending).toEqual({ claimed: 0, persisted: 0, failed: 0 })

      expect(yield* stack.drafts.persistAll).toEqual({ claimed: 3, persisted: 3, failed: 0 })
      expect(yield* stack.drafts.pendingCount).toBe(0)
      expect(yield* stack.drafts.persistAll).toEqual({ claimed: 0, persisted: 0, failed: 0 })

      yield* stack.loseHotTier
      const loaded = [
        yield* stack.drafts.load(aliceFirst),
        yield* stack.drafts.load(aliceSecond),
        yield* stack.drafts.load(bobFirst)
      ]
      expect(loaded.map((draft) => draft.etag)).toEqual(saved.map((version) => version.etag))
    }))
})

describe("data keys", () => {
  it.scoped("many saves use one data key", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      for (let save = 0; save < 50; save++) {
        yield* replace(stack, save % 2 === 0 ? aliceFirst : bobFirst, { save })
      }
      expect(stack.keyCalls.generateDataKey).toBe(1)
    }))

  it.scoped("a data key is replaced after dataKeyMaxMessages saves", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack({ config: { dataKeyMaxMessages: 3 } })
      for (let save = 0; save < 6; save++) yield* replace(stack, aliceFirst, { save })
      expect(stack.keyCalls.generateDataKey).toBe(2)

      yield* replace(stack, aliceFirst, { save: 6 })
      expect(stack.keyCalls.generateDataKey).toBe(3)
    }))

  it.scoped("a data key is replaced after dataKeyMaxAge", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const maxAge = Duration.toMillis(stack.config.dataKeyMaxAge)
      yield* replace(stack, aliceFirst, { save: 0 })

      yield* advance(maxAge - 1)
      yield* replace(stack, aliceFirst, { save: 1 })
      expect(stack.keyCalls.generateDataKey).toBe(1)

      yield* advance(1)
      yield* replace(stack, aliceFirst, { save: 2 })
      expect(stack.keyCalls.generateDataKey).toBe(2)
    }))

  it.scoped("reading back a fresh save needs no unwrap", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      yield* stack.drafts.load(aliceFirst)
      yield* stack.drafts.flush(aliceFirst)
      yield* stack.loseHotTier
      yield* stack.drafts.load(aliceFirst)
      yield* stack.drafts.list(alice)

      expect(stack.keyCalls.unwrapDataKey).toBe(0)
    }))

  it.scoped("concurrent reads after a restart unwrap once", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      const restarted = yield* stack.startProcess

      yield* stack.unwrapGate.close
      const reading = yield* Effect.fork(
        Effect.forEach(Array.from({ length: 10 }), () => restarted.load(aliceFirst), { concurrency: "unbounded" })
      )
      // Let every read reach the key cache while the first unwrap is held.
      for (let turn = 0; turn < 200; turn++) yield* Effect.yieldNow()
      expect(stack.keyCalls.unwrapDataKey).toBe(1)

      yield* stack.unwrapGate.open
      const loaded = yield* Fiber.join(reading)
      expect(loaded.map((draft) => draft.document)).toEqual(Array(10).fill(`{"page":1}`))

      yield* restarted.load(aliceFirst)
      expect(stack.keyCalls.unwrapDataKey).toBe(1)
    }))

  it.scoped("each data key is unwrapped once per process", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack({ config: { dataKeyMaxMessages: 1 } })
      yield* create(stack, aliceFirst, { page: 1 })
      yield* create(stack, aliceSecond, { page: 2 })
      expect(stack.keyCalls.generateDataKey).toBe(2)
      const restarted = yield* stack.startProcess

      for (let round = 0; round < 3; round++) {
        yield* restarted.load(aliceFirst)
        yield* restarted.load(aliceSecond)
      }
      expect(stack.keyCalls.unwrapDataKey).toBe(2)
    }))

  it.scoped("unwrapped keys leave the cache after its TTL", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      yield* create(stack, aliceFirst, { page: 1 })
      const restarted = yield* stack.startProcess
      const ttl = Duration.toMillis(stack.config.unwrappedKeyCacheTtl)

      yield* restarted.load(aliceFirst)
      yield* advance(ttl - 1)
      yield* restarted.load(aliceFirst)
      expect(stack.keyCalls.unwrapDataKey).toBe(1)

      yield* advance(1)
      yield* restarted.load(aliceFirst)
      expect(stack.keyCalls.unwrapDataKey).toBe(2)
    }))

  it.scoped("the key cache keeps the most recently used keys", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack({ config: { dataKeyMaxMessages: 1, unwrappedKeyCacheSize: 1 } })
      yield* create(stack, aliceFirst, { page: 1 })
      yield* create(stack, aliceSecond, { page: 2 })
      const restarted = yield* stack.startProcess

      yield* restarted.load(aliceFirst)
      yield* restarted.load(aliceFirst)
      expect(stack.keyCalls.unwrapDataKey).toBe(1)
      yield* restarted.load(aliceSecond)
      yield* restarted.load(aliceFirst)
      expect(stack.keyCalls.unwrapDataKey).toBe(3)
    }))
})

describe("stored bytes", () => {
  it.scoped("no plaintext reaches either tier", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const claim = sampleWholeClaim(7)
      const marker = "PLAINTEXT-MARKER-Qz81"
      const document = JSON.stringify({ ...claim, note: marker })

      // A durable version, a pending patch, a submitted draft and a tombstone.
      yield* stack.drafts.save({ ...aliceFirst, document, precondition: Create })
      yield* stack.drafts.flush(aliceFirst)
      yield* stack.drafts.save({ ...aliceSecond, document, precondition: Create })
      yield* stack.drafts.patch({ ...aliceSecond, patch: JSON.stringify({ extra: marker }), precondition: Unconditional })
      yield* stack.drafts.save({ ...bobFirst, document, precondition: Create })
      yield* stack.drafts.submit({ ...bobFirst, precondition: Unconditional })
      yield* stack.drafts.save({ ...aliceThird, document, precondition: Create })
      yield* stack.drafts.flush(aliceThird)
      yield* stack.drafts.delete(aliceThird)

      const records = yield* allStoredRecords(stack, [stack.ownerDigest(alice), stack.ownerDigest(bob)])
      expect(records.filter((record) => record.tier === "hot")).toHaveLength(3)
      expect(records.filter((record) => record.tier === "durable")).toHaveLength(3)

      const secrets = [marker, claim.ssn, claim.ssn.replaceAll("-", ""), claim.birthDate, claim.claimant.last!, claim.email]
      const ids = [alice, bob, firstId, secondId, thirdId]
      for (const record of records) {
        const bytes = Buffer.from(record.bytes)
        for (const text of [...secrets, ...ids]) {
          expect(bytes.includes(Buffer.from(text, "utf8")), `${record.tier} record contains ${text}`).toBe(false)
          expect(bytes.includes(Buffer.from(text, "utf16le")), `${record.tier} record contains ${text} as UTF-16`).toBe(false)
        }
        for (const id of ids) expect(record.location).not.toContain(id)
      }
    }))
})
