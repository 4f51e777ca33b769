import { Clock, Context, Effect, Layer, Metric, MetricLabel } from "effect"

export type Tier = "hot" | "durable" | "key"

/** Availability of one tier as the last calls to it saw it. */
export interface TierStatus {
  readonly available: boolean
  /** Epoch milliseconds of the last change, or of startup. */
  readonly since: number
  /** Failed calls since the tier last became unavailable. */
  readonly failures: number
}

export interface TierHealthShape {
  /** Records the outcome of one call to a tier, logging only when availability changes. */
  readonly record: (tier: Tier, available: boolean) => Effect.Effect<void>
  readonly snapshot: Effect.Effect<Readonly<Record<Tier, TierStatus>>>
}

/** Effect of each degraded tier on callers, for the log line an operator reads. */
const degradedEffect: Record<Tier, string> = {
  hot: "reads are served from the durable tier, and saves fail with 503 until it recovers unless the durable store enforces create-only writes, where they go straight to it after the fence delay",
  durable: "saves stay in the hot tier, reported not durable, and persisting retries until it recovers",
  key: "saves and reads that cached data keys cover carry on; the rest fail with 503 until it recovers"
}

const availableGauge = Metric.gauge("claim_drafts_tier_available", {
  description: "1 while calls to the tier succeed, 0 while it is degraded"
})
const failureCounter = Metric.counter("claim_drafts_tier_failures_total", {
  description: "Calls that failed because the tier was unavailable",
  incremental: true
})

/**
 * Tracks whether the hot tier, the durable tier and the key service are responding, from the
 * outcome of real calls rather than probes, and exposes it as logs and metrics.
 */
export class TierHealth extends Context.Tag("claim-drafts/TierHealth")<TierHealth, TierHealthShape>() {
  static readonly layer = Layer.effect(
    TierHealth,
    Effect.gen(function* () {
      const start = yield* Clock.currentTimeMillis
      const state: Record<Tier, TierStatus> = {
        hot: { available: true, since: start, failures: 0 },
        durable: { available: true, since: start, failures: 0 },
        key: { available: true, since: start, failures: 0 }
      }

      const change = (tier: Tier, available: boolean) =>
        Effect.gen(function* () {
          const previous = state[tier]
          const labels = [MetricLabel.make("tier", tier)]
          if (!available) yield* Metric.increment(Metric.taggedWithLabels(failureCounter, labels))
          if (previous.available === available) {
            if (!available) state[tier] = { ...previous, failures: previous.failures + 1 }
            return
          }

          const now = yield* Clock.currentTimeMillis
          state[tier] = { available, since: now, failures: available ? 0 : 1 }
          yield* Metric.set(Metric.taggedWithLabels(availableGauge, labels), available ? 1 : 0)
          yield* available
            ? Effect.logInfo(`The ${tier} tier recovered after ${now - previous.since} ms.`)
            : Effect.logWarning(`The ${tier} tier is unavailable: ${degradedEffect[tier]}.`)
        }).pipe(Effect.annotateLogs({ module: "TierHealth", tier }))

      // Successes on an available tier, nearly every call, skip the bookkeeping.
      const record = (tier: Tier, available: boolean) =>
        available && state[tier].available ? Effect.void : change(tier, available)

      // Every series exists from startup, so an alert on a failure count reads 0 rather than no data.
      yield* Effect.forEach(["hot", "durable", "key"] as const, (tier) => {
        const labels = [MetricLabel.make("tier", tier)]
        return Effect.zipRight(
          Metric.set(Metric.taggedWithLabels(availableGauge, labels), 1),
          Metric.incrementBy(Metric.taggedWithLabels(failureCounter, labels), 0)
        )
      })
      return { record, snapshot: Effect.sync(() => ({ ...state })) }
    })
  )
}
