// npm run demo
// One claimant fills a claim against the real HTTP server, started as `npm start` starts it.
// The draft survives a server restart and is submitted. Then every stored byte is searched
// for the claim's personal values. Exits 0 when every step behaved as documented, 1 on any
// failure and 130 when interrupted. Servers, temporary directories and the objects the run
// wrote to S3 or Redis are removed on every path.
import { NodeRuntime } from "@effect/platform-node"
import { Cause, Duration, Effect, Exit, Ref } from "effect"
import { sampleClaim } from "../support/claims/index.ts"
import { makeEnvironment } from "./environment.ts"
import { needlesOf } from "./plaintext.ts"
import { remoteStoresOf } from "./remoteStores.ts"
import { formatHeader } from "./report.ts"
import { scanForPlaintext } from "./scan.ts"
import { StepFailed } from "./StepFailed.ts"
import { runStory } from "./story.ts"

/**
 * The generator's `demoSeed` gives a claimant paid by debit card, who has no bank account
 * number to search for. This seed gives direct deposit, a free-text comment and a last
 * name outside ASCII.
 */
const claimSeed = 14

/** Bound on the whole run, which is mostly process startup: 75 seconds on a loaded two-core machine. */
const demoLimit = Duration.minutes(10)

const print = (line: string) => Effect.sync(() => console.log(line))

const demo = Effect.gen(function* () {
  const { needles, missing } = needlesOf(sampleClaim(claimSeed, 12))
  if (missing.length > 0) {
    return yield* new StepFailed({ step: "choose the claim", reason: `seed ${claimSeed} gives a claim without ${missing.join(", ")}` })
  }

  const cleanupFailures = yield* Ref.make<ReadonlyArray<string>>([])
  const outcome = yield* Effect.scoped(
    Effect.gen(function* () {
      const environment = yield* makeEnvironment
      yield* print("claim-drafts demo: one claimant fills a 12-page claim, survives a restart and submits")
      for (const line of environment.description) yield* print(`  ${line}`)
      yield* print("")

      // Added before the servers start, so it runs after they have stopped.
      for (const store of remoteStoresOf(environment)) {
        yield* Effect.addFinalizer(() =>
          store.clean.pipe(Effect.catchAll((failure) => Ref.update(cleanupFailures, (list) => [...list, failure.message])))
        )
      }

      yield* print(formatHeader())
      const story = yield* runStory(environment, claimSeed)
      yield* scanForPlaintext(environment, needles, story.serverLogs)
    })
  )

  const failures = yield* Ref.get(cleanupFailures)
  if (failures.length > 0) return yield* new StepFailed({ step: "clean up", reason: failures.join("; ") })
  return outcome
})

const reportFailure = (failure: StepFailed) =>
  Effect.sync(() => {
    console.error(`\ndemo failed: ${failure.message}`)
    if (failure.detail !== undefined) console.error(failure.detail.replace(/^/gm, "  | "))
  })

const program = demo.pipe(
  Effect.timeoutFail({
    duration: demoLimit,
    onTimeout: () => new StepFailed({ step: "demo", reason: `it did not finish within ${Duration.format(demoLimit)}` })
  }),
  Effect.as(0),
  Effect.catchTag("StepFailed", (failure) => Effect.as(reportFailure(failure), 1)),
  Effect.catchAllDefect((defect) => Effect.as(Effect.sync(() => console.error("\ndemo failed unexpectedly:", defect)), 1)),
  Effect.onInterrupt(() => Effect.sync(() => console.error("\ndemo interrupted; its servers are stopped and its temporary files removed")))
)

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  teardown: (exit, onExit) => {
    if (Exit.isSuccess(exit)) return onExit(typeof exit.value === "number" ? exit.value : 1)
    onExit(Cause.isInterruptedOnly(exit.cause) ? 130 : 1)
  }
})
