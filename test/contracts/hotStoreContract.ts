import { createHash, randomBytes } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, FastCheck, type Layer, Option, TestClock } from "effect"
import type { DraftKey } from "../../domain/keys.ts"
import { HotStoreLoss } from "../../adapters/memory/HotStoreLoss.ts"
import {
  Absent,
  Any,
  HotStore,
  type HotRecord,
  type HotWrite,
  Match,
  type PendingSchedule
} from "../../programs/ports/HotStore.ts"

/** What the contract needs to know about one hot store implementation. */
export interface HotStoreSubject {
  /** Builds an empty store, with a control that loses everything in it; called once per test. */
  readonly layer: () => Layer.Layer<HotStore | HotStoreLoss, unknown>
  /**
   * Lets at least `millis` pass on the clock that expires records, and on Effect's `Clock`,
   * which the store reads for due times.
   */
  readonly letTtlPass: (millis: number) => Effect.Effect<void>
  /** A TTL, in milliseconds, short enough to wait out and long enough to outlast a few calls. */
  readonly shortTtlMillis: number
  /**
   * "exact" when `limit` bounds the whole store. "per-shard" when each shard enforces its
   * share of it: the total stays within `limit`, but a save may be rejected before then.
   */
  readonly pendingLimit: "exact" | "per-shard"
}

const hour = 3_600_000

const digest = (label: string): string => createHash("sha256").update(label).digest("base64url")

const keyOf = (owner: string, draft: string): DraftKey => ({ owner: digest(owner), draft: digest(`${owner}/${draft}`) })

const recordOf = (etag: string, durable = false): HotRecord => ({
  bytes: randomBytes(48),
  etag: `"${etag}"`,
  durable
})

const schedule = (overrides: Partial<PendingSchedule> = {}): PendingSchedule => ({
  debounceMillis: 1_000,
  maxDelayMillis: 10_000,
  limit: 1_000,
  ...overrides
})

/** A pending write (not yet durable) with a long TTL unless `overrides` sets one. */
const pendingWrite = (key: DraftKey, record: HotRecord, overrides: Partial<HotWrite> = {}): HotWrite => ({
  key,
  record,
  ttlMillis: hour,
  condition: Any,
  pending: schedule(),
  ...overrides
})

/** A write of a record that is already durable, so nothing becomes pending. */
const durableWrite = (key: DraftKey, record: HotRecord, overrides: Partial<HotWrite> = {}): HotWrite => ({
  key,
  record: { ...record, durable: true },
  ttlMillis: hour,
  condition: Any,
  ...overrides
})

const expectRecord = (found: Option.Option<HotRecord>, expected: HotRecord) => {
  expect(Option.isSome(found)).toBe(true)
  const record = Option.getOrThrow(found)
  expect(Buffer.from(record.bytes).equals(Buffer.from(expected.bytes))).toBe(true)
  expect(record.etag).toBe(expected.etag)
  expect(record.durable).toBe(expected.durable)
}

const sameKeys = (keys: ReadonlyArray<DraftKey>) => keys.map((key) => `${key.owner}/${key.draft}`)

/**
 * Runs every guarantee of the HotStore port against one implementation. Tests run on
 * `TestClock`: the contract moves it with `TestClock.adjust` for due times and with
 * `subject.letTtlPass` where records must expire.
 */
export const hotStoreContract = (name: string, subject: HotStoreSubject) => {
  const run = <A, E>(body: Effect.Effect<A, E, HotStore | HotStoreLoss>) => Effect.provide(body, subject.layer())
  const ttl = subject.shortTtlMillis

  describe(`HotStore contract: ${name}`, () => {
    describe("conditions", () => {
      it.effect("get of a missing draft is none", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            expect(Option.isNone(yield* store.get(keyOf("owner", "missing")))).toBe(true)
          })
        )
      )

      it.effect("Absent creates a missing record", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "create")
            const record = recordOf("1-a")

            expect(yield* store.write(pendingWrite(key, record, { condition: Absent }))).toBe("written")
            expectRecord(yield* store.get(key), record)
          })
        )
      )

      it.effect("Absent conflicts with a live record", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "exists")
            const first = recordOf("1-a")

            yield* store.write(pendingWrite(key, first, { condition: Absent }))
            expect(yield* store.write(pendingWrite(key, recordOf("1-b"), { condition: Absent }))).toBe("conflict")
            expectRecord(yield* store.get(key), first)
          })
        )
      )

      it.effect("Match writes over the current etag", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "match")
            const first = recordOf("1-a")
            const second = recordOf("2-b")

            yield* store.write(pendingWrite(key, first, { condition: Absent }))
            expect(yield* store.write(pendingWrite(key, second, { condition: Match(first.etag) }))).toBe("written")
            expectRecord(yield* store.get(key), second)
          })
        )
      )

      it.effect("Match conflicts with another etag", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "stale")
            const first = recordOf("1-a")

            yield* store.write(pendingWrite(key, first, { condition: Absent }))
            const outcome = yield* store.write(pendingWrite(key, recordOf("2-b"), { condition: Match(`"0-old"`) }))
            expect(outcome).toBe("conflict")
            expectRecord(yield* store.get(key), first)
          })
        )
      )

      it.effect("Match conflicts with a missing record", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "match-missing")

            expect(yield* store.write(pendingWrite(key, recordOf("2-b"), { condition: Match(`"1-a"`) }))).toBe("conflict")
            expect(Option.isNone(yield* store.get(key))).toBe(true)
          })
        )
      )

      it.effect("Any writes whether or not a record exists", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "any")
            const first = recordOf("1-a")
            const second = recordOf("2-b")

            expect(yield* store.write(pendingWrite(key, first, { condition: Any }))).toBe("written")
            expect(yield* store.write(pendingWrite(key, second, { condition: Any }))).toBe("written")
            expectRecord(yield* store.get(key), second)
          })
        )
      )

      it.effect("repeated write of the current version is written", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "resend")
            const record = recordOf("1-a")

            expect(yield* store.write(pendingWrite(key, record, { condition: Absent }))).toBe("written")
            expect(yield* store.write(pendingWrite(key, record, { condition: Absent }))).toBe("written")
            expectRecord(yield* store.get(key), record)
            expect(yield* store.pendingCount).toBe(1)
          })
        )
      )
    })

    describe("TTL", () => {
      it.effect("record expires after its TTL", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "expires")
            const record = recordOf("1-a", true)

            yield* store.write(durableWrite(key, record, { ttlMillis: ttl }))
            expectRecord(yield* store.get(key), record)

            yield* subject.letTtlPass(ttl)
            expect(Option.isNone(yield* store.get(key))).toBe(true)
          })
        )
      )

      it.effect("expired record counts as absent", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "expired-absent")
            const first = recordOf("1-a")

            yield* store.write(pendingWrite(key, first, { ttlMillis: ttl }))
            yield* subject.letTtlPass(ttl)

            expect(yield* store.write(pendingWrite(key, recordOf("2-b"), { condition: Match(first.etag) }))).toBe("conflict")
            expect(yield* store.write(pendingWrite(key, recordOf("1-c"), { condition: Absent }))).toBe("written")
          })
        )
      )

      it.effect("each write sets its own TTL", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const shortened = keyOf("owner", "shortened")
            const extended = keyOf("owner", "extended")
            const first = recordOf("1-a")
            const second = recordOf("2-b")

            yield* store.write(pendingWrite(shortened, first, { ttlMillis: hour }))
            yield* store.write(pendingWrite(shortened, second, { ttlMillis: ttl, condition: Match(first.etag) }))
            yield* store.write(pendingWrite(extended, first, { ttlMillis: ttl }))
            yield* store.write(pendingWrite(extended, second, { ttlMillis: hour, condition: Match(first.etag) }))

            yield* subject.letTtlPass(ttl)
            expect(Option.isNone(yield* store.get(shortened))).toBe(true)
            expectRecord(yield* store.get(extended), second)
          })
        )
      )

      it.effect("settled and claimed records keep their TTL", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const settled = keyOf("owner", "settled-ttl")
            const claimed = keyOf("owner", "claimed-ttl")
            const record = recordOf("1-a")
            const now = yield* Clock.currentTimeMillis

            yield* store.write(pendingWrite(settled, record, { ttlMillis: ttl }))
            yield* store.write(pendingWrite(claimed, record, { ttlMillis: ttl, pending: schedule({ debounceMillis: 0 }) }))
            expect(yield* store.settle(settled, record.etag)).toBe(true)
            expect(sameKeys(yield* store.claimDue(now, 10, hour))).toEqual(sameKeys([claimed]))

            yield* subject.letTtlPass(ttl)
            expect(Option.isNone(yield* store.get(settled))).toBe(true)
            expect(Option.isNone(yield* store.get(claimed))).toBe(true)
          })
        )
      )

      it.effect("expired pending draft is never claimed", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "expired-pending")

            yield* store.write(pendingWrite(key, recordOf("1-a"), { ttlMillis: ttl }))
            yield* subject.letTtlPass(ttl)
            const later = (yield* Clock.currentTimeMillis) + hour

            expect(yield* store.claimDue(later, 10, hour)).toEqual([])
            expect(yield* store.pendingCount).toBe(0)
          })
        )
      )
    })

    describe("durable flag", () => {
      it.effect("write stores the record's durable flag", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const durable = keyOf("owner", "durable")
            const pending = keyOf("owner", "pending")
            const record = recordOf("1-a")

            yield* store.write(durableWrite(durable, record))
            yield* store.write(pendingWrite(pending, record))

            expect(Option.getOrThrow(yield* store.get(durable)).durable).toBe(true)
            expect(Option.getOrThrow(yield* store.get(pending)).durable).toBe(false)
            expect(yield* store.pendingCount).toBe(1)
          })
        )
      )

      it.effect("settle marks the current version durable", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "settle")
            const record = recordOf("1-a")

            yield* store.write(pendingWrite(key, record))
            expect(yield* store.settle(key, record.etag)).toBe(true)

            expectRecord(yield* store.get(key), { ...record, durable: true })
            expect(yield* store.pendingCount).toBe(0)
          })
        )
      )

      it.effect("durable write drops the pending entry", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "durable-over-pending")
            const first = recordOf("1-a")

            yield* store.write(pendingWrite(key, first))
            yield* store.write(durableWrite(key, recordOf("2-b"), { condition: Match(first.etag) }))

            expect(yield* store.pendingCount).toBe(0)
            expect(yield* store.claimDue((yield* Clock.currentTimeMillis) + hour, 10, hour)).toEqual([])
          })
        )
      )
    })

    describe("pending schedule", () => {
      it.effect("draft is due one debounce after its save", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "debounce")
            const start = yield* Clock.currentTimeMillis

            yield* store.write(pendingWrite(key, recordOf("1-a"), { pending: schedule({ debounceMillis: 1_000 }) }))

            expect(yield* store.claimDue(start + 999, 10, hour)).toEqual([])
            expect(sameKeys(yield* store.claimDue(start + 1_000, 10, hour))).toEqual(sameKeys([key]))
          })
        )
      )

      it.effect("later save moves the due time", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "coalesce")
            const start = yield* Clock.currentTimeMillis
            const first = recordOf("1-a")

            yield* store.write(pendingWrite(key, first))
            yield* TestClock.adjust(600)
            yield* store.write(pendingWrite(key, recordOf("2-b"), { condition: Match(first.etag) }))

            expect(yield* store.pendingCount).toBe(1)
            expect(yield* store.claimDue(start + 1_599, 10, hour)).toEqual([])
            expect(sameKeys(yield* store.claimDue(start + 1_600, 10, hour))).toEqual(sameKeys([key]))
          })
        )
      )

      it.effect("max delay caps the debounce", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "max-delay")
            const start = yield* Clock.currentTimeMillis
            const pending = schedule({ debounceMillis: 1_000, maxDelayMillis: 2_000 })

            for (const [index, offset] of [0, 600, 1_200, 1_800].entries()) {
              yield* TestClock.setTime(start + offset)
              yield* store.write(pendingWrite(key, recordOf(`${index + 1}-a`), { pending }))
            }

            expect(yield* store.pendingCount).toBe(1)
            expect(yield* store.claimDue(start + 1_999, 10, hour)).toEqual([])
            expect(sameKeys(yield* store.claimDue(start + 2_000, 10, hour))).toEqual(sameKeys([key]))
          })
        )
      )

      it.effect("max delay restarts after settle", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "restart")
            const start = yield* Clock.currentTimeMillis
            const pending = schedule({ debounceMillis: 1_000, maxDelayMillis: 2_000 })
            const first = recordOf("1-a")

            yield* store.write(pendingWrite(key, first, { pending }))
            yield* TestClock.adjust(500)
            yield* store.settle(key, first.etag)
            yield* TestClock.adjust(1_300)
            yield* store.write(pendingWrite(key, recordOf("2-b"), { pending }))

            // Had the first save still counted, the draft would be due at start + 2000.
            expect(yield* store.claimDue(start + 2_799, 10, hour)).toEqual([])
            expect(sameKeys(yield* store.claimDue(start + 2_800, 10, hour))).toEqual(sameKeys([key]))
          })
        )
      )
    })

    describe("pending limit", () => {
      if (subject.pendingLimit === "exact") {
        it.effect("new pending draft beyond limit is rejected", () =>
          run(
            Effect.gen(function* () {
              const store = yield* HotStore
              const pending = schedule({ limit: 2 })
              const rejected = keyOf("owner", "third")

              expect(yield* store.write(pendingWrite(keyOf("owner", "first"), recordOf("1-a"), { pending }))).toBe("written")
              expect(yield* store.write(pendingWrite(keyOf("owner", "second"), recordOf("1-b"), { pending }))).toBe("written")
              expect(yield* store.write(pendingWrite(rejected, recordOf("1-c"), { pending }))).toBe("pending-full")

              expect(Option.isNone(yield* store.get(rejected))).toBe(true)
              expect(yield* store.pendingCount).toBe(2)
            })
          )
        )

        it.effect("pending-full write changes nothing", () =>
          run(
            Effect.gen(function* () {
              const store = yield* HotStore
              const pending = schedule({ limit: 1 })
              const durable = keyOf("owner", "durable")
              const original = recordOf("1-d", true)

              yield* store.write(pendingWrite(keyOf("owner", "first"), recordOf("1-a"), { pending }))
              yield* store.write(durableWrite(durable, original))
              const outcome = yield* store.write(
                pendingWrite(durable, recordOf("2-d"), { pending, condition: Match(original.etag), ttlMillis: ttl })
              )

              expect(outcome).toBe("pending-full")
              expectRecord(yield* store.get(durable), original)
              expect(yield* store.pendingCount).toBe(1)

              // The rejected write's short TTL was not applied either.
              yield* subject.letTtlPass(ttl)
              expectRecord(yield* store.get(durable), original)
            })
          )
        )

        it.effect("pending drafts coalesce when full", () =>
          run(
            Effect.gen(function* () {
              const store = yield* HotStore
              const pending = schedule({ limit: 1 })
              const key = keyOf("owner", "full")
              const first = recordOf("1-a")
              const second = recordOf("2-a")

              yield* store.write(pendingWrite(key, first, { pending }))
              expect(yield* store.write(pendingWrite(key, second, { pending, condition: Match(first.etag) }))).toBe("written")
              expect(yield* store.write(durableWrite(keyOf("owner", "durable"), recordOf("1-b")))).toBe("written")

              expectRecord(yield* store.get(key), second)
              expect(yield* store.pendingCount).toBe(1)
            })
          )
        )

        it.effect("settled draft frees its place", () =>
          run(
            Effect.gen(function* () {
              const store = yield* HotStore
              const pending = schedule({ limit: 1 })
              const first = recordOf("1-a")
              const key = keyOf("owner", "first")
              const next = keyOf("owner", "next")

              yield* store.write(pendingWrite(key, first, { pending }))
              expect(yield* store.write(pendingWrite(next, recordOf("1-b"), { pending }))).toBe("pending-full")
              yield* store.settle(key, first.etag)
              expect(yield* store.write(pendingWrite(next, recordOf("1-b"), { pending }))).toBe("written")
            })
          )
        )
      } else {
        it.effect("pending total stays within limit", () =>
          run(
            Effect.gen(function* () {
              const store = yield* HotStore
              const limit = 32
              const pending = schedule({ limit })
              const keys = Array.from({ length: 300 }, (_, index) => keyOf("owner", `draft-${index}`))

              const outcomes = yield* Effect.forEach(keys, (key) => store.write(pendingWrite(key, recordOf("1-a"), { pending })))
              const written = keys.filter((_, index) => outcomes[index] === "written")
              const rejected = keys.filter((_, index) => outcomes[index] === "pending-full")

              expect(written.length + rejected.length).toBe(keys.length)
              expect(written.length).toBeLessThanOrEqual(limit)
              expect(rejected.length).toBeGreaterThan(0)
              expect(yield* store.pendingCount).toBe(written.length)
              for (const key of rejected) expect(Option.isNone(yield* store.get(key))).toBe(true)

              const [coalesced] = written
              if (coalesced === undefined) return expect.fail("no pending draft was written")
              const outcome = yield* store.write(pendingWrite(coalesced, recordOf("2-a"), { pending, condition: Match(`"1-a"`) }))
              expect(outcome).toBe("written")
            })
          )
        )
      }
    })

    describe("claims", () => {
      const threeDue = Effect.gen(function* () {
        const store = yield* HotStore
        const keys = [keyOf("owner", "a"), keyOf("owner", "b"), keyOf("owner", "c")]
        for (const key of keys) {
          yield* store.write(pendingWrite(key, recordOf("1-a")))
          yield* TestClock.adjust(200)
        }
        return keys
      })

      it.effect("claimDue returns earliest due first up to limit", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const start = yield* Clock.currentTimeMillis
            const [a, b, c] = yield* threeDue

            expect(sameKeys(yield* store.claimDue(start + 5_000, 2, hour))).toEqual(sameKeys([a!, b!]))
            expect(sameKeys(yield* store.claimDue(start + 5_000, 10, hour))).toEqual(sameKeys([c!]))
            expect(yield* store.claimDue(start + 5_000, 10, hour)).toEqual([])
          })
        )
      )

      it.effect("claimDue with limit 0 claims nothing", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const start = yield* Clock.currentTimeMillis
            yield* threeDue

            expect(yield* store.claimDue(start + 5_000, 0, hour)).toEqual([])
            expect((yield* store.claimDue(start + 5_000, 10, hour)).length).toBe(3)
          })
        )
      )

      it.effect("claimed draft returns after its lease", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "lease")
            const start = yield* Clock.currentTimeMillis

            yield* store.write(pendingWrite(key, recordOf("1-a")))
            expect(sameKeys(yield* store.claimDue(start + 2_000, 10, 5_000))).toEqual(sameKeys([key]))

            expect(yield* store.claimDue(start + 6_999, 10, 5_000)).toEqual([])
            expect(sameKeys(yield* store.claimDue(start + 7_000, 10, 5_000))).toEqual(sameKeys([key]))
            expect(yield* store.pendingCount).toBe(1)
          })
        )
      )

      it.effect("settled draft is not claimed again", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "settled")
            const record = recordOf("1-a")
            const start = yield* Clock.currentTimeMillis

            yield* store.write(pendingWrite(key, record))
            yield* store.claimDue(start + 2_000, 10, 5_000)
            expect(yield* store.settle(key, record.etag)).toBe(true)

            expect(yield* store.claimDue(start + hour, 10, 5_000)).toEqual([])
            expect(yield* store.pendingCount).toBe(0)
          })
        )
      )

      it.effect("newer save keeps the draft pending", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "newer")
            const first = recordOf("1-a")
            const second = recordOf("2-b")
            const start = yield* Clock.currentTimeMillis

            yield* store.write(pendingWrite(key, first))
            yield* store.claimDue(start + 2_000, 10, 5_000)
            yield* store.write(pendingWrite(key, second, { condition: Match(first.etag) }))

            expect(yield* store.settle(key, first.etag)).toBe(false)
            expectRecord(yield* store.get(key), second)
            expect(yield* store.pendingCount).toBe(1)

            expect(sameKeys(yield* store.claimDue(start + hour, 10, 5_000))).toEqual(sameKeys([key]))
            expect(yield* store.settle(key, second.etag)).toBe(true)
            expect(yield* store.pendingCount).toBe(0)
          })
        )
      )

      it.effect("settle of a missing draft is false", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            expect(yield* store.settle(keyOf("owner", "missing"), `"1-a"`)).toBe(false)
          })
        )
      )
    })

    describe("remove", () => {
      it.effect("Any removes the record and its pending entry", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "remove-any")
            const start = yield* Clock.currentTimeMillis

            yield* store.write(pendingWrite(key, recordOf("1-a")))
            expect(yield* store.remove(key, Any)).toBe("removed")

            expect(Option.isNone(yield* store.get(key))).toBe(true)
            expect(yield* store.pendingCount).toBe(0)
            expect(yield* store.claimDue(start + hour, 10, hour)).toEqual([])
          })
        )
      )

      it.effect("Match removes only the current etag", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "remove-match")
            const record = recordOf("1-a")

            yield* store.write(pendingWrite(key, record))
            expect(yield* store.remove(key, Match(`"0-old"`))).toBe("conflict")
            expectRecord(yield* store.get(key), record)
            expect(yield* store.pendingCount).toBe(1)

            expect(yield* store.remove(key, Match(record.etag))).toBe("removed")
            expect(Option.isNone(yield* store.get(key))).toBe(true)
          })
        )
      )

      it.effect("Absent conflicts with a live record", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "remove-absent")
            const record = recordOf("1-a")

            yield* store.write(pendingWrite(key, record))
            expect(yield* store.remove(key, Absent)).toBe("conflict")
            expectRecord(yield* store.get(key), record)
          })
        )
      )

      it.effect("missing record counts as removed", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "remove-missing")

            expect(yield* store.remove(key, Absent)).toBe("removed")
            expect(yield* store.remove(key, Match(`"1-a"`))).toBe("removed")
            expect(yield* store.remove(key, Any)).toBe("removed")
          })
        )
      )

      it.effect("Absent drops the entry of an expired draft", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "remove-expired")

            yield* store.write(pendingWrite(key, recordOf("1-a"), { ttlMillis: ttl }))
            yield* subject.letTtlPass(ttl)

            expect(yield* store.remove(key, Absent)).toBe("removed")
            expect(yield* store.pendingCount).toBe(0)
          })
        )
      )
    })

    describe("owner index", () => {
      it.effect("ownerKeys lists the owner's drafts only", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const first = keyOf("alice", "one")
            const second = keyOf("alice", "two")
            const other = keyOf("bob", "one")

            yield* store.write(pendingWrite(first, recordOf("1-a")))
            yield* store.write(durableWrite(second, recordOf("1-b")))
            yield* store.write(pendingWrite(other, recordOf("1-c")))

            const keys = sameKeys(yield* store.ownerKeys(first.owner))
            expect(keys.sort()).toEqual(sameKeys([first, second]).sort())
            expect(yield* store.ownerKeys(digest("nobody"))).toEqual([])
          })
        )
      )
    })

    describe("binary records", () => {
      it.effect("arbitrary bytes round-trip", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const everyByte = Uint8Array.from({ length: 256 }, (_, index) => index)
            const fixed = [new Uint8Array(0), everyByte, Uint8Array.of(0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x24, 0x2a)]
            const generated = FastCheck.sample(FastCheck.uint8Array({ maxLength: 4_096 }), { numRuns: 40, seed: 7 })

            for (const [index, bytes] of [...fixed, ...generated].entries()) {
              const key = keyOf("owner", `binary-${index}`)
              const record: HotRecord = { bytes, etag: `"1-${index}"`, durable: false }
              yield* store.write(pendingWrite(key, record))
              expectRecord(yield* store.get(key), record)
            }
          })
        )
      )

      it.effect("store keeps its own copy of written bytes", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const key = keyOf("owner", "copy")
            const bytes = Uint8Array.of(1, 2, 3)

            yield* store.write(pendingWrite(key, { bytes, etag: `"1-a"`, durable: false }))
            bytes[0] = 9

            expect(Array.from(Option.getOrThrow(yield* store.get(key)).bytes)).toEqual([1, 2, 3])
          })
        )
      )
    })

    describe("loss", () => {
      it.effect("lost hot tier reads as empty", () =>
        run(
          Effect.gen(function* () {
            const store = yield* HotStore
            const loss = yield* HotStoreLoss
            const pending = keyOf("owner", "lost-pending")
            const durable = keyOf("owner", "lost-durable")
            const start = yield* Clock.currentTimeMillis

            yield* store.write(pendingWrite(pending, recordOf("1-a")))
            yield* store.write(durableWrite(durable, recordOf("1-b")))
            yield* loss.loseEverything

            expect(Option.isNone(yield* store.get(pending))).toBe(true)
            expect(Option.isNone(yield* store.get(durable))).toBe(true)
            expect(yield* store.pendingCount).toBe(0)
            expect(yield* store.claimDue(start + hour, 10, hour)).toEqual([])
            expect(yield* store.ownerKeys(pending.owner)).toEqual([])
            expect(yield* store.write(pendingWrite(pending, recordOf("1-c"), { condition: Absent }))).toBe("written")
          })
        )
      )
    })
  })
}
