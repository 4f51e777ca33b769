import { Context, type Effect } from "effect"

/** Test and drill control that makes a durable store lose its data, as a wiped bucket or disk does. */
export interface DurableStoreLossShape {
  /** Drops every object at once. */
  readonly loseEverything: Effect.Effect<void>
}

export class DurableStoreLoss extends Context.Tag("claim-drafts/DurableStoreLoss")<DurableStoreLoss, DurableStoreLossShape>() {}
