import { Config, Duration, Effect, Layer } from "effect"
import { Drafts } from "../programs/Drafts.ts"

/** CLAIM_DRAFTS_SHUTDOWN_DEADLINE, default 10 seconds: how long shutdown may spend persisting. */
export const deadlineConfig = Config.duration("CLAIM_DRAFTS_SHUTDOWN_DEADLINE").pipe(
  Config.withDefault(Duration.seconds(10))
)

/**
 * Persists every pending draft, due or not, within `deadline`, then logs how many it
 * persisted and how many are still pending. Never fails, so shutdown always completes. A
 * draft that fails here keeps its lease and is retried later by any instance sharing the
 * hot tier; an in-memory hot tier loses it when the process exits.
 */
export const persistPendingNow = (deadline: Duration.DurationInput): Effect.Effect<void, never, Drafts> =>
  Effect.gen(function* () {
    const drafts = yield* Drafts
    yield* Effect.logInfo("Persisting pending drafts before shutdown.")

    const report = yield* drafts.persistAll.pipe(Effect.timeout(deadline), Effect.either)
    const stillPending = yield* drafts.pendingCount.pipe(Effect.timeout(Duration.seconds(1)), Effect.option)
    const counts = {
      stillPending: stillPending._tag === "Some" ? stillPending.value : "unknown"
    }

    if (report._tag === "Left") {
      const reason = report.left._tag === "TimeoutException" ? "the shutdown deadline passed" : report.left.message
      return yield* Effect.logWarning(`Persisting pending drafts before shutdown stopped: ${reason}.`).pipe(
        Effect.annotateLogs(counts)
      )
    }

    const { persisted, failed } = report.right
    const message = `Persisted ${persisted} pending draft(s) before shutdown.`
    yield* (failed > 0 ? Effect.logWarning(message) : Effect.logInfo(message)).pipe(
      Effect.annotateLogs({ persisted, failed, ...counts })
    )
  }).pipe(
    Effect.catchAllDefect((defect) => Effect.logError("Persisting pending drafts before shutdown failed.", defect)),
    Effect.annotateLogs({ module: "persistOnShutdown" })
  )

/**
 * Runs `persistPendingNow` when the layer is released. Provide it beneath the server layer,
 * so the server stops taking requests first and every accepted save is among the pending.
 */
export const layer = (deadline: Duration.DurationInput): Layer.Layer<never, never, Drafts> =>
  Layer.scopedDiscard(Effect.addFinalizer(() => persistPendingNow(deadline)))

export const layerConfig = Layer.unwrapEffect(Effect.map(deadlineConfig, layer))
