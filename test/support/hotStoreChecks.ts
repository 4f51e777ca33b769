import { createHash, randomBytes } from "node:crypto"
import { expect } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { type DraftKey, draftKeyString } from "../../domain/keys.ts"
import { Any, type HotStoreShape } from "../../programs/ports/HotStore.ts"
import { realSleep } from "./redisHotStoreLayer.ts"

/** Redis expires keys on its own clock, so the test waits in real time and moves `TestClock` alongside. */
export const letRedisTtlPass = (millis: number) => Effect.zipRight(TestClock.adjust(millis), realSleep(millis + 50))

const digest = (label: string) => createHash("sha256").update(label).digest("base64url")

/** A key with base64url digests, as programs/StorageKeys makes them. */
export const keyOf = (owner: string, draft: string): DraftKey => ({ owner: digest(owner), draft: digest(`${owner}/${draft}`) })

const hour = 3_600_000

/**
 * Queues 60 drafts through `first`, lets both instances claim them in six concurrent rounds,
 * and checks that no draft is claimed twice and that every draft is claimed once in the end.
 */
export const checkClaimsAreExclusive = (first: HotStoreShape, second: HotStoreShape) =>
  Effect.gen(function* () {
    const schedule = { debounceMillis: 0, maxDelayMillis: 0, limit: 10_000 }
    const keys = Array.from({ length: 60 }, (_, index) => keyOf("owner", `shared-${index}`))
    for (const key of keys) {
      yield* first.write({ key, record: { bytes: randomBytes(8), etag: `"1-a"`, durable: false }, ttlMillis: hour, condition: Any, pending: schedule })
    }

    const now = Date.now() + 1_000
    const rounds = yield* Effect.all(
      Array.from({ length: 6 }, (_, round) => (round % 2 === 0 ? first : second).claimDue(now, 15, 60_000)),
      { concurrency: "unbounded" }
    )
    const claimed = rounds.flat().map(draftKeyString)

    expect(new Set(claimed).size).toBe(claimed.length)
    expect(claimed.length).toBeLessThanOrEqual(keys.length)
    expect(claimed.length).toBeGreaterThan(0)

    const rest = yield* second.claimDue(now, keys.length, 60_000)
    expect(new Set([...claimed, ...rest.map(draftKeyString)]).size).toBe(keys.length)
    expect(yield* first.claimDue(now, keys.length, 60_000)).toEqual([])
  })
