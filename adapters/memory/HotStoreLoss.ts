import { Context, type Effect } from "effect"

/** Test and drill control that makes a hot store lose its data, as a crashed or flushed Redis does. */
export interface HotStoreLossShape {
  /** Drops every record, pending entry and owner index entry at once. */
  readonly loseEverything: Effect.Effect<void>
}

export class HotStoreLoss extends Context.Tag("claim-drafts/HotStoreLoss")<HotStoreLoss, HotStoreLossShape>() {}
