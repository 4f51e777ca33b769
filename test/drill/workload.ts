import { Duration, Effect } from "effect"
import { type ClaimantEnd, runClaimant } from "./claimant.ts"
import type { Ledger } from "./ledger.ts"
import type { DraftsService } from "./stack.ts"

export interface WorkloadOptions {
  readonly claimants: number
  /** Pages each claimant fills, 1 to 12. */
  readonly pages: number
  /** Seed of the first claimant; claimant i uses seed + i. */
  readonly seed: number
  /** Wall-clock bound of the workload in ms; claimants send nothing after it. */
  readonly limitMillis: number
}

export type WorkloadSummary = Record<ClaimantEnd, number>

/** Claimants start spread over this many ms, as sessions do, not all in one instant. */
const startSpreadMillis = 800

/**
 * Runs every claimant concurrently against the instances, each request routed to a random
 * one. One claimant in ten deletes its draft halfway instead of submitting it.
 */
export const runWorkload = (
  ledger: Ledger,
  instances: ReadonlyArray<DraftsService>,
  options: WorkloadOptions
): Effect.Effect<WorkloadSummary> =>
  Effect.gen(function* () {
    const environment = {
      ledger,
      route: () => instances[Math.floor(Math.random() * instances.length)] as DraftsService,
      deadline: Date.now() + options.limitMillis,
      pages: Math.min(Math.max(1, options.pages), 12)
    }

    const ends = yield* Effect.forEach(
      Array.from({ length: options.claimants }, (_, index) => index),
      (index) =>
        runClaimant(environment, {
          index,
          seed: options.seed + index,
          abandonAfterPage: index % 10 === 3 ? Math.floor(environment.pages / 2) : undefined
        }).pipe(Effect.delay(Duration.millis(Math.floor((index * startSpreadMillis) / Math.max(1, options.claimants))))),
      { concurrency: "unbounded" }
    )

    const summary: WorkloadSummary = { submitted: 0, deleted: 0, stopped: 0 }
    for (const end of ends) summary[end] += 1
    return summary
  })
