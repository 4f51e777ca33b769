import { Effect, Option } from "effect"
import type { IntegrityFailure, StoreUnavailable } from "../domain/errors.ts"
import type { DraftKey } from "../domain/keys.ts"
import { type CurrentRecord, readCurrent, readDurable, readHot } from "./current.ts"
import type { Precondition } from "./model.ts"
import type { DurableStore } from "./ports/DurableStore.ts"
import type { HotStore } from "./ports/HotStore.ts"

/** The record a write replaces, and whether the new version must be marked unverified. */
export interface WriteBase {
  readonly current: Option.Option<CurrentRecord>
  readonly unverified: boolean
}

/**
 * Tells whether a record is an unverified version that is not durable yet. A version written
 * on top of it is unverified too, because nothing has checked the durable tier for it either.
 */
export const carriesUnverified = (record: CurrentRecord): boolean =>
  record.tier === "hot" && !record.durable && record.decoded.header.unverified === true

const baseOf = (current: Option.Option<CurrentRecord>): WriteBase => ({
  current,
  unverified: Option.isSome(current) && carriesUnverified(current.value)
})

/**
 * Reads the record a save replaces, as `readCurrent` does, with one exception. When the hot
 * tier has no record and the durable tier is unavailable, a write that names no base version
 * (`Create` or `Unconditional`) proceeds as unverified instead of failing. The draft may still
 * exist in the durable tier, so the write-behind loop checks before persisting the version
 * (`verifyUnverified.ts`). A `Replace`, or any write with `acceptsUnverified` false, still
 * fails with the durable tier's `StoreUnavailable`.
 */
export const readWriteBase = (
  key: DraftKey,
  now: number,
  precondition: Precondition,
  acceptsUnverified: boolean
): Effect.Effect<WriteBase, StoreUnavailable | IntegrityFailure, HotStore | DurableStore> => {
  const verifiedBase = Effect.map(readCurrent(key, now), baseOf)
  if (!acceptsUnverified || precondition._tag === "Replace") return verifiedBase

  const durableOrUnverified = readDurable(key, now).pipe(
    Effect.map(baseOf),
    Effect.catchTag("StoreUnavailable", () => Effect.succeed<WriteBase>({ current: Option.none(), unverified: true }))
  )

  return readHot(key, now).pipe(
    Effect.flatMap((hot) => (Option.isSome(hot) ? Effect.succeed(baseOf(hot)) : durableOrUnverified)),
    // An unavailable hot tier takes the usual path: the write cannot land there anyway.
    Effect.catchTag("StoreUnavailable", (error) => (error.tier === "hot" ? verifiedBase : Effect.fail(error)))
  )
}
