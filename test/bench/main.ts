/**
 * `npm run bench [-- --quick] [--out FILE] [--only KEY,KEY]`: measures the store against its
 * physical limits and its alternatives, each figure a ratio of two sides measured side by side
 * in this run. Starts its own redis-server, s3rver and KMS test server on 127.0.0.1, prints a
 * table and writes the results as JSON. Exits 0 when every entry ran, whether or not it met
 * its target, and 1 when an entry failed or the run was interrupted.
 */
import { parseArgs } from "node:util"
import { Cause, Duration, Effect, Exit } from "effect"
import { entryKeys, runEntries } from "./entries.ts"
import { fullSettings, quickSettings } from "./settings.ts"

// The AWS SDK clients all get loopback endpoints and static credentials. This guard also keeps
// any fallback in their credential chain from probing the instance metadata service.
process.env.AWS_EC2_METADATA_DISABLED = "true"

const usage = `usage: node --expose-gc test/bench/main.ts [--quick] [--out FILE] [--only KEY,KEY]
  --quick   small iteration counts, every entry (about a minute)
  --out     where to write the JSON results (default bench-results.json)
  --only    comma-separated entry keys to run: ${entryKeys.join(", ")}`

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string", default: "bench-results.json" },
    only: { type: "string" },
    help: { type: "boolean", default: false }
  }
})
if (values.help) {
  console.log(usage)
  process.exit(0)
}

const only = values.only?.split(",").map((key) => key.trim()).filter((key) => key !== "")
const unknown = only?.filter((key) => !entryKeys.includes(key)) ?? []
if (unknown.length > 0) {
  console.error(`--only names unknown entries: ${unknown.join(", ")}\n${usage}`)
  process.exit(2)
}

const settings = values.quick ? quickSettings : fullSettings
// A run that hangs is stopped, its servers stopped with it, and reported as a failure.
const deadline = values.quick ? Duration.minutes(5) : Duration.minutes(60)

const program = runEntries({ settings, out: values.out, only, argv: process.argv.slice(2) }).pipe(
  Effect.timeoutFail({ duration: deadline, onTimeout: () => new Error(`the run exceeded its deadline of ${Duration.format(deadline)}`) })
)

const fiber = Effect.runFork(program)
const interrupt = () => {
  console.error("bench: interrupted; stopping the servers")
  fiber.unsafeInterruptAsFork(fiber.id())
}
process.once("SIGINT", interrupt)
process.once("SIGTERM", interrupt)
let crashed = false
process.on("uncaughtException", (error) => {
  console.error("bench: uncaught exception; stopping the servers", error)
  crashed = true
  interrupt()
})

fiber.addObserver((exit) => {
  if (Exit.isFailure(exit)) console.error(`bench: the run failed\n${Cause.pretty(exit.cause)}`)
  const succeeded = Exit.isSuccess(exit) && exit.value.failedEntries === 0 && !crashed
  process.exit(succeeded ? 0 : 1)
})
