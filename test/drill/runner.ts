import { Duration, Effect, Fiber, LogLevel, Scope } from "effect"
import { Ledger } from "./ledger.ts"
import { LogCounter } from "./logCounter.ts"
import type { FaultContext, Scenario } from "./scenarios.ts"
import { startServers } from "./servers.ts"
import { type DraftsService, type DrillTimings, endpointsOf, startInstance } from "./stack.ts"
import { verifyFromFreshStacks } from "./verify.ts"
import { runWorkload, type WorkloadOptions, type WorkloadSummary } from "./workload.ts"

export interface DrillOptions {
  readonly timings: DrillTimings
  readonly workload: WorkloadOptions
}

/** One row of the drill's table. */
export interface ScenarioRow {
  readonly scenario: string
  readonly attempted: number
  readonly acknowledged: number
  readonly durable: number
  readonly lost: number
  /** Acknowledged versions never reported durable that the fault took away, as the contract allows. */
  readonly rolledBack: number
  /** Requests that failed with 503. */
  readonly unavailable: number
  /** Reloads after a 412 or 404. */
  readonly resyncs: number
  /** Failures other than 503s and recoverable preconditions, and checks that failed. */
  readonly errors: ReadonlyArray<string>
  /** Seconds from the end of the workload until the write-behind loop alone emptied the pending set. */
  readonly drainedSeconds: number | undefined
  readonly seconds: number
  readonly claimants: WorkloadSummary
  readonly notes: ReadonlyArray<string>
  /** Lost versions and anomalies, by claimant number and ETag. */
  readonly problems: ReadonlyArray<string>
}

const pollInterval = Duration.millis(100)

/** Waits until no draft is pending, or `limitMillis` passed; returns the seconds it took. */
const waitForDrain = (drafts: DraftsService, limitMillis: number) =>
  Effect.gen(function* () {
    const start = Date.now()
    while (Date.now() - start < limitMillis) {
      const pending = yield* Effect.either(drafts.pendingCount)
      if (pending._tag === "Right" && pending.right === 0) return (Date.now() - start) / 1000
      yield* Effect.sleep(pollInterval)
    }
    return undefined
  })

/** persistAll until a round fails nothing and nothing is pending; returns an error text otherwise. */
const persistEverything = (drafts: DraftsService) =>
  Effect.gen(function* () {
    let last = "not run"
    for (let attempt = 0; attempt < 10; attempt++) {
      const report = yield* Effect.either(drafts.persistAll)
      const pending = yield* Effect.either(drafts.pendingCount)
      if (report._tag === "Right" && report.right.failed === 0 && pending._tag === "Right" && pending.right === 0) {
        return undefined
      }
      last = report._tag === "Left" ? report.left._tag : `${report.right.failed} failed`
      yield* Effect.sleep(Duration.millis(500))
    }
    return `the final persistAll did not empty the pending set (${last})`
  })

/**
 * Runs one scenario on servers of its own: the workload with the fault beside it, then
 * recovery (the loop drains the pending set, then a final persistAll), then the check from
 * fresh instances. Servers, instances and child processes stop with the scenario's scope.
 */
export const runScenario = (scenario: Scenario, options: DrillOptions): Effect.Effect<ScenarioRow, Error> => {
  const logs = new LogCounter()
  const { timings } = options

  const run = Effect.gen(function* () {
    const started = Date.now()
    const scope = yield* Effect.scope
    const servers = yield* startServers
    const endpoints = endpointsOf(servers, `drill/${scenario.name}`)
    const ledger = new Ledger()
    const instances = yield* Effect.forEach(Array.from({ length: scenario.servingInstances }), () =>
      startInstance(endpoints, timings, { writeBehind: scenario.servingLoop })
    )

    const notes: Array<string> = []
    let workloadStart = Date.now()
    const context: FaultContext = {
      servers,
      endpoints,
      timings,
      note: (text) => Effect.sync(() => void notes.push(`${((Date.now() - workloadStart) / 1000).toFixed(1)} s ${text}`)),
      startPersistingInstance: Effect.asVoid(startInstance(endpoints, timings, { writeBehind: true })).pipe(Scope.extend(scope))
    }

    const inject = yield* scenario.prepare(context)
    workloadStart = Date.now()
    const fault = yield* Effect.forkScoped(inject)
    const claimants = yield* runWorkload(ledger, instances, options.workload)
    yield* Fiber.join(fault)
    yield* context.note("workload done, fault over")

    const drainLimit = 2 * timings.persistLeaseMillis + timings.persistMaxDelayMillis + 5_000
    const drainedSeconds = yield* waitForDrain(instances[0] as DraftsService, drainLimit)
    if (drainedSeconds === undefined) {
      ledger.errors.push(`the write-behind loop left drafts pending ${drainLimit / 1000} s after the workload`)
    }

    const persistProblem = yield* persistEverything(instances[0] as DraftsService)
    if (persistProblem !== undefined) ledger.errors.push(persistProblem)

    yield* verifyFromFreshStacks(ledger, endpoints, timings)

    const loggedErrors = logs.summary(LogLevel.Error)
    return {
      scenario: scenario.name,
      ...ledger.counts,
      errors: [...ledger.errors, ...loggedErrors.map((line) => `logged ${line}`)],
      drainedSeconds,
      seconds: (Date.now() - started) / 1000,
      claimants,
      notes: [
        ...notes,
        ...(ledger.counts.unverified > 0
          ? [`${ledger.counts.unverified} flush or list results named versions no load had shown; they were not checked`]
          : []),
        ...logs.summary(LogLevel.Warning).filter((line) => !line.startsWith("ERROR"))
      ],
      problems: ledger.problems
    } satisfies ScenarioRow
  })

  return Effect.scoped(run).pipe(Effect.provide(logs.layer))
}
