import { Cause, Effect, type Scope } from "effect"
import { type BenchEnvironment, redisServerPath, startEnvironment } from "./environment.ts"
import { durableWritesPerSession } from "./durableWritesPerSession.ts"
import { envelopeEntries } from "./envelopeComparisons.ts"
import { httpSaveVsBareHttp } from "./httpSaveVsBareHttp.ts"
import { kmsCalls } from "./kmsCalls.ts"
import { loadVsRawGet } from "./loadVsRawGet.ts"
import { memoryGrowth } from "./memoryGrowth.ts"
import { describeMachine } from "./machine.ts"
import { type Entry, renderTable, type Report, writeReport } from "./report.ts"
import { restoreVsRawS3Get } from "./restoreVsRawS3Get.ts"
import { saveVsRawSet } from "./saveVsRawSet.ts"
import type { Settings } from "./settings.ts"
import { writeBehindVsWriteThrough } from "./writeBehindVsWriteThrough.ts"

type EntryRun = (
  environment: BenchEnvironment,
  settings: Settings
) => Effect.Effect<Entry | ReadonlyArray<Entry>, unknown, Scope.Scope>

/** Each comparison with the keys of the entries it produces, in the order they run; the memory run goes last because it takes longest. */
const registry: ReadonlyArray<{ readonly keys: ReadonlyArray<string>; readonly run: EntryRun }> = [
  { keys: ["save_vs_raw_set"], run: saveVsRawSet },
  { keys: ["load_vs_raw_get"], run: loadVsRawGet },
  { keys: ["http_save_vs_bare_http"], run: httpSaveVsBareHttp },
  { keys: ["writebehind_vs_writethrough"], run: writeBehindVsWriteThrough },
  { keys: ["kms_calls"], run: kmsCalls },
  { keys: ["durable_writes_per_session"], run: durableWritesPerSession },
  { keys: ["restore_vs_raw_s3_get"], run: restoreVsRawS3Get },
  { keys: ["envelope_vs_raw_aes_gcm", "envelope_vs_esdk"], run: envelopeEntries },
  { keys: ["memory_growth"], run: memoryGrowth }
]

export const entryKeys: ReadonlyArray<string> = registry.flatMap((item) => item.keys)

export interface RunOptions {
  readonly settings: Settings
  readonly out: string
  /** Entry keys to run; all when absent. */
  readonly only: ReadonlyArray<string> | undefined
  readonly argv: ReadonlyArray<string>
}

const isEntryList = (value: Entry | ReadonlyArray<Entry>): value is ReadonlyArray<Entry> => Array.isArray(value)

const failedEntries = (keys: ReadonlyArray<string>, cause: Cause.Cause<unknown>): ReadonlyArray<Entry> =>
  keys.map((key) => ({
    key,
    title: "failed to run",
    rows: [],
    targets: [],
    notes: [],
    error: Cause.pretty(cause).split("\n").slice(0, 12).join("\n")
  }))

/**
 * Starts the servers, runs each selected entry in a scope of its own (so its clients and
 * write-behind loop stop before the next entry starts), prints each table as it completes
 * and writes the report. An entry that fails is recorded and the run goes on.
 */
export const runEntries = (options: RunOptions): Effect.Effect<{ readonly failedEntries: number }, unknown> =>
  Effect.scoped(
    Effect.gen(function* () {
      const startedAt = new Date().toISOString()
      const environment = yield* startEnvironment
      const selected = (key: string) => options.only === undefined || options.only.includes(key)
      const entries: Array<Entry> = []

      for (const { keys, run } of registry.filter((item) => item.keys.some(selected))) {
        console.log(`\n== ${keys.join(", ")}`)
        const started = performance.now()
        const outcome = yield* Effect.scoped(run(environment, options.settings)).pipe(
          Effect.map((produced): ReadonlyArray<Entry> => (isEntryList(produced) ? produced : [produced])),
          Effect.catchAllCause((cause) =>
            Cause.isInterruptedOnly(cause) ? Effect.failCause(cause) : Effect.succeed(failedEntries(keys, cause))
          )
        )
        const seconds = (performance.now() - started) / 1000
        const finished = outcome.filter((entry) => selected(entry.key)).map((entry) => ({ ...entry, seconds }))
        entries.push(...finished)
        console.log(renderTable(finished))
      }

      const report: Report = {
        command: ["npm run bench --", ...options.argv].join(" "),
        mode: options.settings.mode,
        startedAt,
        finishedAt: new Date().toISOString(),
        machine: describeMachine(redisServerPath),
        entries: Object.fromEntries(entries.map((entry) => [entry.key, entry]))
      }
      yield* Effect.promise(() => writeReport(options.out, report))

      const targets = entries.flatMap((entry) => entry.targets)
      const failedCount = entries.filter((entry) => entry.error !== undefined).length
      console.log(
        `\nWrote ${options.out}: ${entries.length} entries, ${failedCount} failed; ` +
          `targets met ${targets.filter((result) => result.met).length} of ${targets.length}.`
      )
      return { failedEntries: failedCount }
    })
  )
