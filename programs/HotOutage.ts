import { Context, Effect, Option } from "effect"
import type { IntegrityFailure, StoreUnavailable } from "../domain/errors.ts"
import type { DraftKey } from "../domain/keys.ts"
import type { CurrentRecord } from "./current.ts"

/**
 * One instance's handling of hot-tier outages on a durable store that enforces create-only
 * writes (docs/durability.md, "Saves while the hot tier is down"). Without such a store every
 * method behaves as if no outage had ever happened, and saves fail with 503 during one.
 */
export interface HotOutageShape {
  /** `readCurrent` with the outage rules: while verifying, a journaled draft is read from both tiers. */
  readonly readCurrent: (
    key: DraftKey,
    now: number
  ) => Effect.Effect<Option.Option<CurrentRecord>, StoreUnavailable | IntegrityFailure>

  /**
   * True when a write must read the draft before trusting an If-Match ETag. That is the case
   * while verifying, for a journaled draft or while the journal is not listed, because its hot
   * record may be older than a direct save and still match the older ETag.
   */
  readonly mustReadBeforeWrite: (key: DraftKey) => Effect.Effect<boolean>

  /**
   * The start (epoch ms) of the unbroken run of failed hot-tier calls when it is old enough
   * at `now` for a direct save, else none.
   */
  readonly directSaveWindow: (now: number) => Effect.Effect<Option.Option<number>>

  /** True while no hot-tier call has succeeded since the failure run that started at `since`. */
  readonly stillFailingSince: (since: number) => Effect.Effect<boolean>

  /** Counts one acknowledged direct save in the metrics. */
  readonly countDirectSave: Effect.Effect<void>

  /**
   * One round of recovery after an outage: repairs the hot record of every journaled draft,
   * deletes the journal markers, and leaves verify mode once the journal stays empty.
   * Failures are logged and retried in the next round.
   */
  readonly recoveryRound: Effect.Effect<void>
}

export class HotOutage extends Context.Tag("claim-drafts/HotOutage")<HotOutage, HotOutageShape>() {}

/** `HotOutage.mustReadBeforeWrite`, false for programs run without the service. */
export const mustReadBeforeWrite = (key: DraftKey): Effect.Effect<boolean> =>
  Effect.flatMap(Effect.serviceOption(HotOutage), (outage) =>
    Option.isSome(outage) ? outage.value.mustReadBeforeWrite(key) : Effect.succeed(false)
  )
