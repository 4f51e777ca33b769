import { Cause, Duration, Effect, Layer, Schedule } from "effect"
import { Drafts } from "../programs/Drafts.ts"

/** Pause between write-behind rounds. */
export const defaultInterval = Duration.millis(500)

/** After the first failed round, only every this many consecutive failures is logged (10 s at 500 ms). */
const failureLogEvery = 20

/**
 * Runs `Drafts.persistPending` every `interval` until the scope closes. Logs carry counts,
 * never ids: the program itself logs each failed draft by its key digest. A failing round
 * is logged once, then every `failureLogEvery` rounds, and once more when rounds succeed again.
 */
export const run = (interval: Duration.DurationInput): Effect.Effect<never, never, Drafts> =>
  Effect.gen(function* () {
    const drafts = yield* Drafts
    let consecutiveFailures = 0

    const reportRound = (report: { readonly claimed: number; readonly persisted: number; readonly failed: number }) => {
      const recovered = consecutiveFailures > 0
      const failures = consecutiveFailures
      consecutiveFailures = 0

      const recovery = recovered
        ? Effect.logInfo("Write-behind rounds succeed again.").pipe(Effect.annotateLogs({ failedRounds: failures }))
        : Effect.void
      const outcome =
        report.failed > 0
          ? Effect.logWarning("Some pending drafts failed to persist; they are retried after their lease.")
          : report.persisted > 0
            ? Effect.logDebug("Persisted pending drafts.")
            : Effect.void
      return Effect.zipRight(recovery, Effect.annotateLogs(outcome, { ...report }))
    }

    const reportFailure = (cause: Cause.Cause<unknown>) => {
      consecutiveFailures += 1
      if (consecutiveFailures !== 1 && consecutiveFailures % failureLogEvery !== 0) return Effect.void
      return Effect.logWarning("A write-behind round failed; the next round retries.", cause).pipe(
        Effect.annotateLogs({ consecutiveFailures })
      )
    }

    const round = drafts.persistPending.pipe(
      Effect.flatMap(reportRound),
      Effect.catchAllCause((cause) => (Cause.isInterruptedOnly(cause) ? Effect.failCause(cause) : reportFailure(cause)))
    )
    return yield* Effect.repeat(round, Schedule.spaced(interval)).pipe(Effect.zipRight(Effect.never), Effect.orDie)
  }).pipe(Effect.annotateLogs({ module: "writeBehind" }))

/** The write-behind loop every `interval`, as a fiber of the layer's scope: it stops when the layer is released. */
export const layerWithInterval = (interval: Duration.DurationInput): Layer.Layer<never, never, Drafts> =>
  Layer.scopedDiscard(Effect.forkScoped(run(interval)))

/** The write-behind loop every 500 ms. */
export const layer: Layer.Layer<never, never, Drafts> = layerWithInterval(defaultInterval)
