import { Clock, Duration, Effect, Option } from "effect"
import type { IntegrityFailure, StoreUnavailable } from "../domain/errors.ts"
import { type DraftKey, draftKeyString } from "../domain/keys.ts"
import { readHot } from "./current.ts"
import { DraftsConfig } from "./DraftsConfig.ts"
import { draftPrefix, parseVersionPath, versionPath } from "./durablePaths.ts"
import { DurableStore } from "./ports/DurableStore.ts"
import { Absent, HotStore, Match } from "./ports/HotStore.ts"
import { carriesUnverified } from "./unverifiedWrites.ts"
import { verifyUnverified } from "./verifyUnverified.ts"
import { countPersistedVersion } from "./metrics.ts"
import type { PersistReport } from "./model.ts"

export interface PersistResult {
  /**
   * `discarded`: an unverified version lost its check against the durable tier and left the
   * hot tier. `superseded`: a newer save replaced it during that check.
   */
  readonly outcome: "persisted" | "already-durable" | "gone" | "discarded" | "superseded"
  /** The version now durable; absent when the hot tier held no record or nothing was persisted. */
  readonly etag?: string
}

/** Drafts claimed per round of the write-behind loop, and persisted concurrently. */
const claimBatch = 64
const persistConcurrency = 8

/** Deletes durable versions older than `seq`; a later persist retries whatever this misses. */
const pruneOlder = (key: DraftKey, seq: number) =>
  Effect.gen(function* () {
    const durable = yield* DurableStore
    const paths = yield* durable.list(draftPrefix(key))
    const older = paths.filter((path) => {
      const parsed = parseVersionPath(path)
      return parsed !== undefined && parsed.seq < seq
    })
    if (older.length > 0) yield* durable.delete(older)
  })

/**
 * Copies the draft's current hot record to the durable tier and marks it durable. Idempotent:
 * the object name is fixed by the version, so a repeated or concurrent persist of one
 * version writes the same bytes to the same path, and an older version never hides a newer
 * one. A durable tombstone leaves the hot tier, since reads then find it in the durable tier.
 * An unverified version is checked against the durable tier first (`verifyUnverified.ts`).
 */
export const persistOne = (
  key: DraftKey
): Effect.Effect<PersistResult, StoreUnavailable | IntegrityFailure, HotStore | DurableStore> =>
  Effect.gen(function* () {
    const hot = yield* HotStore
    const durable = yield* DurableStore
    const now = yield* Clock.currentTimeMillis

    const current = yield* readHot(key, now)
    if (Option.isNone(current)) {
      // The record expired or the hot tier lost it: only the pending entry remains to drop.
      yield* hot.remove(key, Absent)
      return { outcome: "gone" } as const
    }

    const record = current.value
    const header = record.decoded.header
    if (carriesUnverified(record)) {
      const verified = yield* verifyUnverified(key, record, now)
      if (verified !== "verified") return { outcome: verified } as const
    }

    if (!record.durable) {
      yield* durable.put(versionPath(key, header.seq, header.kind), record.bytes)
      yield* countPersistedVersion
    }

    const settled = yield* hot.settle(key, record.etag)
    if (header.seq > 1) yield* pruneOlder(key, header.seq)
    if (settled && header.kind === "tombstone") yield* hot.remove(key, Match(record.etag))

    return { outcome: record.durable ? "already-durable" : "persisted", etag: record.etag } as const
  })

const persistClaimed = (now: number) =>
  Effect.gen(function* () {
    const hot = yield* HotStore
    const config = yield* DraftsConfig

    const keys = yield* hot.claimDue(now, claimBatch, Duration.toMillis(config.persistLease))
    const outcomes = yield* Effect.forEach(
      keys,
      (key) =>
        persistOne(key).pipe(
          Effect.as(true),
          Effect.catchAll((error) =>
            Effect.logWarning("Persisting a pending draft failed; it is retried after its lease.").pipe(
              Effect.annotateLogs({ draftKey: draftKeyString(key), error: error._tag }),
              Effect.as(false)
            )
          )
        ),
      { concurrency: persistConcurrency }
    )

    const persisted = outcomes.filter(Boolean).length
    return { claimed: keys.length, persisted, failed: keys.length - persisted } satisfies PersistReport
  })

/**
 * One round of the write-behind loop: claims up to one batch of drafts whose due time has
 * passed and persists each. A failure leaves the claim to lapse, so the draft is retried
 * after the lease by this or any other instance.
 */
export const persistPending: Effect.Effect<PersistReport, StoreUnavailable, HotStore | DurableStore | DraftsConfig> =
  Effect.flatMap(Clock.currentTimeMillis, persistClaimed)

/**
 * Persists every pending draft now, due or not, batch after batch until none is left
 * unclaimed: for shutdown and for commands that exit right after a write. No pending draft
 * is due later than one debounce or one lease from now, so claiming as if it were that
 * late takes them all; a failed one is retried that much later than usual.
 */
export const persistAll: Effect.Effect<PersistReport, StoreUnavailable, HotStore | DurableStore | DraftsConfig> =
  Effect.gen(function* () {
    const config = yield* DraftsConfig
    const horizon =
      (yield* Clock.currentTimeMillis) +
      Math.max(Duration.toMillis(config.persistDebounce), Duration.toMillis(config.persistMaxDelay), Duration.toMillis(config.persistLease))
    const total = { claimed: 0, persisted: 0, failed: 0 }
    for (;;) {
      const round = yield* persistClaimed(horizon)
      total.claimed += round.claimed
      total.persisted += round.persisted
      total.failed += round.failed
      if (round.claimed === 0) return total
    }
  })
