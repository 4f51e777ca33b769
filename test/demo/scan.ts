import { Effect } from "effect"
import type { DemoEnvironment } from "./environment.ts"
import { type Finding, findNeedles, type Needle, scanDirectory } from "./plaintext.ts"
import { remoteStoresOf } from "./remoteStores.ts"
import { StepFailed } from "./StepFailed.ts"

const print = (line: string) => Effect.sync(() => console.log(line))

const count = (amount: number, singular: string, plural: string): string =>
  `${amount} ${amount === 1 ? singular : plural}`

const listInWords = (parts: ReadonlyArray<string>): string =>
  parts.length <= 1 ? parts.join("") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`

/**
 * Searches every file of the data directory, every object and key the run wrote to S3 or
 * Redis, and the servers' logs for the needles. Prints what it covered, and fails naming
 * each place and the kind of value found there, never the value.
 */
export const scanForPlaintext = (
  environment: DemoEnvironment,
  needles: ReadonlyArray<Needle>,
  serverLogs: ReadonlyArray<string>
): Effect.Effect<void, StepFailed> =>
  Effect.gen(function* () {
    yield* print("")
    yield* print(`Searching the stored data and the server logs for ${listInWords(needles.map((needle) => needle.name))}.`)

    const directory = yield* scanDirectory(environment.dataDirectory, needles)
    const findings: Array<Finding> = [...directory.findings]
    const files = count(directory.files, "file", "files")
    const covered = [files]
    yield* print(`  data directory: ${files}`)

    for (const store of remoteStoresOf(environment)) {
      const scanned = yield* store.scan(needles)
      findings.push(...scanned.findings)
      const counted = count(scanned.count, store.unit.singular, store.unit.plural)
      covered.push(counted)
      yield* print(`  ${store.place}: ${counted} this run wrote`)
    }

    serverLogs.forEach((log, index) => {
      for (const needle of findNeedles(Buffer.from(log, "utf8"), needles)) {
        findings.push({ location: `the log of server run ${index + 1}`, needle })
      }
    })
    const logs = count(serverLogs.length, "server log", "server logs")
    covered.push(logs)
    yield* print(`  ${logs}`)

    if (findings.length > 0) {
      for (const finding of findings) yield* print(`plaintext found: ${finding.needle} in ${finding.location}`)
      return yield* new StepFailed({ step: "scan for plaintext", reason: `${findings.length} plaintext values found` })
    }
    yield* print(`no plaintext found in ${listInWords(covered)}`)
  })
