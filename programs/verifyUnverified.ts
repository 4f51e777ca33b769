import { Effect, Option } from "effect"
import type { IntegrityFailure, StoreUnavailable } from "../domain/errors.ts"
import { type DraftKey, draftKeyString } from "../domain/keys.ts"
import { resolveUnverified } from "../domain/unverified.ts"
import { type CurrentRecord, readDurable } from "./current.ts"
import { countUnverifiedResolution } from "./metrics.ts"
import type { DurableStore } from "./ports/DurableStore.ts"
import { HotStore, Match } from "./ports/HotStore.ts"
import { warm } from "./read.ts"

/**
 * Result of checking an unverified version: fit to persist, discarded in favour of the
 * durable version, or replaced by a newer save before the discard. That newer save is
 * checked when it is persisted in turn.
 */
export type VerifyOutcome = "verified" | "discarded" | "superseded"

/**
 * Checks an unverified hot record against the newest durable version before it is persisted
 * (rules in `domain/unverified.ts`). A discarded record leaves the hot tier, and a live durable
 * version is copied back there, so reads serve the durable version again. Logs carry
 * the draft key digest and the reason only.
 */
export const verifyUnverified = (
  key: DraftKey,
  record: CurrentRecord,
  now: number
): Effect.Effect<VerifyOutcome, StoreUnavailable | IntegrityFailure, HotStore | DurableStore> =>
  Effect.gen(function* () {
    const durable = yield* readDurable(key, now)
    const newest = Option.map(durable, (found) => ({ header: found.decoded.header, live: found.live }))
    const resolution = resolveUnverified(record.decoded.header, Option.getOrUndefined(newest))
    if (resolution === "persist") {
      yield* countUnverifiedResolution("persisted")
      return "verified"
    }

    const removed = yield* Effect.flatMap(HotStore, (hot) => hot.remove(key, Match(record.etag)))
    if (removed === "conflict") return "superseded"

    if (Option.isSome(durable) && durable.value.live) yield* warm(key, durable.value, now)
    yield* countUnverifiedResolution(resolution)
    yield* Effect.logWarning(
      "Discarded an unverified save because the durable tier holds a version it must not replace; the durable version is current again."
    ).pipe(Effect.annotateLogs({ draftKey: draftKeyString(key), reason: resolution }))
    return "discarded"
  })
