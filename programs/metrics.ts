import { Cause, Effect, Exit, Metric, Option } from "effect"
import { directSavesCounter, hotRepairsCounter } from "./outageMetrics.ts"

/**
 * Counters of the draft programs. Labels hold program names, outcome tags and fixed words
 * only, never an id, a digest or document content, so a scrape reveals no draft.
 */

const operations = Metric.counter("claim_drafts_operations_total", {
  description: "Calls of each draft program by outcome: success, the error tag, defect or interrupted",
  incremental: true
})

const persistedVersions = Metric.counter("claim_drafts_persisted_versions_total", {
  description: "Versions copied from the hot tier to the durable tier",
  incremental: true
})

const unverifiedVersions = Metric.counter("claim_drafts_unverified_versions_total", {
  description: "Unverified versions checked against the durable tier before persisting, by resolution: persisted or the discard reason",
  incremental: true
})

const outcomeOf = (exit: Exit.Exit<unknown, unknown>): string => {
  if (Exit.isSuccess(exit)) return "success"

  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) {
    const error = failure.value
    const tag = typeof error === "object" && error !== null && "_tag" in error ? error._tag : undefined
    return typeof tag === "string" ? tag : "failure"
  }
  return Cause.isInterruptedOnly(exit.cause) ? "interrupted" : "defect"
}

/** Tagged counters by operation and outcome, built once each because saves are a hot path. */
const operationCounters = new Map<string, Metric.Metric.Counter<number>>()

const operationCounter = (operation: string, outcome: string): Metric.Metric.Counter<number> => {
  const name = `${operation}\u0000${outcome}`
  let counter = operationCounters.get(name)
  if (counter === undefined) {
    counter = Metric.tagged(Metric.tagged(operations, "operation", operation), "outcome", outcome)
    operationCounters.set(name, counter)
  }
  return counter
}

/** Counts each run of `effect` under `operation` by how it ended. */
export const countOperation =
  (operation: string) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.onExit(effect, (exit) => Metric.increment(operationCounter(operation, outcomeOf(exit))))

export const countPersistedVersion: Effect.Effect<void> = Metric.increment(persistedVersions)

/** Counts one unverified version by how the check before persisting resolved it. */
export const countUnverifiedResolution = (resolution: string): Effect.Effect<void> =>
  Metric.increment(Metric.tagged(unverifiedVersions, "resolution", resolution))

/** Resolutions `countUnverifiedResolution` is called with. */
const unverifiedResolutions = ["persisted", "discard-newer-version", "discard-submitted", "discard-existing-draft"] as const

/**
 * Creates the counters that only rare events increment, at 0, so a scrape shows them from
 * startup and an alert on them reads 0 rather than no data.
 */
export const registerRareCounters: Effect.Effect<void> = Effect.forEach(
  [
    persistedVersions,
    directSavesCounter,
    hotRepairsCounter,
    ...unverifiedResolutions.map((resolution) => Metric.tagged(unverifiedVersions, "resolution", resolution))
  ],
  (counter) => Metric.incrementBy(counter, 0),
  { discard: true }
)
