// npm run drill [-- --claimants 20 --pages 12 --seed 1 --only baseline,redis-flushed | --help]
// Runs every failure scenario against real servers on loopback and prints one row each. Exits
// 1 if any durable version was lost, any check failed or a scenario crashed, and 2 on invalid
// options.
import { NodeRuntime } from "@effect/platform-node"
import { Cause, Duration, Effect, Exit } from "effect"
import { parseDrillArgs, usage } from "./options.ts"
import { runScenario, type ScenarioRow } from "./runner.ts"
import { scenarios } from "./scenarios.ts"
import { defaultTimings } from "./stack.ts"
import { describeTimings, formatDetails, formatTable } from "./table.ts"

const command = parseDrillArgs(process.argv.slice(2))
if (command._tag === "Help") {
  console.log(usage)
  process.exit(0)
}
if (command._tag === "Invalid") {
  console.error(`drill: ${command.message}\nRun npm run drill -- --help for the options.`)
  process.exit(2)
}

const { only, ...workload } = command.options
const options = {
  timings: defaultTimings,
  workload: { ...workload, limitMillis: 25_000 }
}

/** Bound on the whole drill; a scenario normally takes 10 to 20 s. */
const drillLimit = Duration.minutes(5)

const main = Effect.gen(function* () {
  const selected = scenarios.filter((scenario) => only === undefined || only.includes(scenario.name))
  const { claimants, pages, seed } = options.workload
  console.log(`claim-drafts drill: ${claimants} claimants, ${pages} pages each, seed ${seed}`)
  console.log(describeTimings(options.timings))

  const rows: Array<ScenarioRow> = []
  const crashed: Array<string> = []
  for (const scenario of selected) {
    console.log(`running ${scenario.name}: ${scenario.summary}`)
    const exit = yield* Effect.exit(runScenario(scenario, options))
    if (Exit.isSuccess(exit)) rows.push(exit.value)
    else crashed.push(`${scenario.name} crashed: ${Cause.pretty(exit.cause).split("\n")[0] ?? ""}`)
  }

  console.log(`\n${formatTable(rows)}\n`)
  console.log(formatDetails(rows))
  for (const line of crashed) console.log(line)

  const failed = rows.filter((row) => row.lost > 0 || row.errors.length > 0).map((row) => row.scenario)
  if (failed.length > 0 || crashed.length > 0) {
    return yield* Effect.fail(`drill failed: ${[...failed, ...crashed.map((line) => line.split(" ")[0])].join(", ")}`)
  }
  console.log("\nno durable version lost")
})

// A last resort in case cleanup itself hangs; process.exit still runs the exit hooks that kill redis-server.
const watchdog = setTimeout(() => {
  console.error(`drill still running ${Duration.format(drillLimit)} plus one minute after it started; exiting`)
  process.exit(1)
}, Duration.toMillis(drillLimit) + 60_000)
watchdog.unref()

NodeRuntime.runMain(
  main.pipe(
    Effect.timeoutFail({ duration: drillLimit, onTimeout: () => `drill did not finish within ${Duration.format(drillLimit)}` }),
    Effect.onInterrupt(() => Effect.sync(() => console.log("drill interrupted; its servers and processes are stopped")))
  ),
  {
    disablePrettyLogger: true,
    // Exit explicitly: finalizers have run by now, and a lingering socket must not keep the drill alive.
    teardown: (exit) => process.exit(Exit.isSuccess(exit) ? 0 : 1)
  }
)
