import { Effect, Metric, Option } from "effect"
import type { IntegrityFailure, StoreUnavailable } from "../domain/errors.ts"
import { type DraftKey, draftKeyString } from "../domain/keys.ts"
import { type CurrentRecord, readHot } from "./current.ts"
import { hotRepairsCounter } from "./outageMetrics.ts"
import type { DurableStore } from "./ports/DurableStore.ts"
import { HotStore, Match } from "./ports/HotStore.ts"
import { readDurableRolled } from "./rolledRead.ts"

/** Reads per call while concurrent writes keep changing the hot record being repaired. */
const maxRepairAttempts = 3

const seqOf = (record: CurrentRecord): number => record.decoded.header.seq

/**
 * Replaces a hot record with a newer durable version, as durable and not pending, unless
 * the hot record changed meanwhile. A persist of the replaced version still in flight only
 * writes an older version, which never outranks the newer one.
 */
const replaceStaleHotRecord = (key: DraftKey, stale: CurrentRecord, newer: CurrentRecord, now: number) =>
  Effect.gen(function* () {
    const hot = yield* HotStore
    const outcome = yield* hot.write({
      key,
      record: { bytes: newer.bytes, etag: newer.etag, durable: true },
      ttlMillis: Math.max(1, newer.decoded.header.expiresAt - now),
      condition: Match(stale.etag)
    })
    if (outcome !== "written") return

    yield* Metric.increment(hotRepairsCounter)
    yield* Effect.logInfo("Replaced a hot record older than a version saved directly to the durable tier.").pipe(
      Effect.annotateLogs({ draftKey: draftKeyString(key), hotSeq: seqOf(stale), durableSeq: seqOf(newer) })
    )
  })

/**
 * Reads a draft from both tiers and returns the record with the higher seq. When the durable
 * tier contains the newer one, the hot record is stale (a direct save happened during an
 * outage): it is replaced first, so the caller's next write compares against the new record.
 * While the hot tier fails, the durable record is returned, or the hot tier's error when
 * there is none.
 */
export const readBothTiers = (
  key: DraftKey,
  now: number
): Effect.Effect<Option.Option<CurrentRecord>, StoreUnavailable | IntegrityFailure, HotStore | DurableStore> =>
  Effect.gen(function* () {
    for (let attempt = 0; ; attempt++) {
      const hot = yield* Effect.either(readHot(key, now))
      const durable = yield* readDurableRolled(key, now)

      if (hot._tag === "Left") {
        if (hot.left._tag === "StoreUnavailable" && hot.left.tier === "hot" && Option.isSome(durable)) return durable
        return yield* hot.left
      }
      if (Option.isNone(hot.right)) return durable
      if (Option.isNone(durable) || seqOf(durable.value) <= seqOf(hot.right.value)) return hot.right
      if (attempt + 1 >= maxRepairAttempts) return durable

      yield* replaceStaleHotRecord(key, hot.right.value, durable.value, now)
    }
  })
