import { Duration, Effect, Layer, Schedule } from "effect"
import { Drafts } from "../programs/Drafts.ts"

/** How often an instance looks for due pending drafts. */
export const pollInterval = Duration.millis(500)

/**
 * One round of the loop with its failures logged: a round that cannot even claim drafts
 * (the hot tier is down) is retried at the next tick, never ending the loop.
 */
const round = Effect.flatMap(Drafts, (drafts) => drafts.persistPending).pipe(
  Effect.tap((report) =>
    report.failed > 0
      ? Effect.logWarning("Some pending drafts could not be persisted; they are retried after their lease.").pipe(
          Effect.annotateLogs({ claimed: report.claimed, persisted: report.persisted, failed: report.failed })
        )
      : Effect.void
  ),
  Effect.catchAll((error) =>
    Effect.logWarning("The write-behind loop could not claim pending drafts; it retries at the next tick.").pipe(
      Effect.annotateLogs({ error: error._tag, method: error.method })
    )
  )
)

/** Runs the write-behind loop for as long as the layer's scope is open. */
export const layer: Layer.Layer<never, never, Drafts> = Layer.scopedDiscard(
  round.pipe(
    Effect.repeat(Schedule.spaced(pollInterval)),
    Effect.annotateLogs({ module: "writeBehind" }),
    Effect.forkScoped
  )
)
