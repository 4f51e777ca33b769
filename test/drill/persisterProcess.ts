import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { Duration, Effect, type Scope } from "effect"
import { type PersisterSettings, settingsVariable } from "./persisterSettings.ts"

/** The parent's handle on a persisting child process. */
export interface PersisterProcess {
  /** Waits for the first claim report made at or after `notBefore` (epoch ms) and returns how many drafts it claimed. */
  readonly claimsAfter: (notBefore: number) => Effect.Effect<number, Error>
  /** Drafts claimed by the rounds reported at or after `since` (epoch ms). */
  readonly claimedSince: (since: number) => number
  /** SIGKILL, then waits until the process has exited. */
  readonly kill: Effect.Effect<void>
}

const childPath = fileURLToPath(new URL("./persisterChild.ts", import.meta.url))

const startTimeout = Duration.seconds(20)
const claimTimeout = Duration.seconds(20)
const pollInterval = Duration.millis(20)

const killNow = async (child: ChildProcess) => {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, "exit")
  child.kill("SIGKILL")
  await exited
}

/**
 * Starts the persisting child with the same Node binary and waits until its loop runs. The
 * scope kills it if the drill has not, so no child outlives a scenario.
 */
export const spawnPersister = (settings: PersisterSettings): Effect.Effect<PersisterProcess, Error, Scope.Scope> =>
  Effect.gen(function* () {
    const claims: Array<{ readonly at: number; readonly count: number }> = []
    let ready = false
    let errorTail = ""

    const child = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const started = spawn(process.execPath, [childPath], {
          env: { ...process.env, [settingsVariable]: JSON.stringify(settings) },
          stdio: ["ignore", "pipe", "pipe"]
        })
        process.once("exit", () => started.kill("SIGKILL"))
        createInterface({ input: started.stdout! }).on("line", (line) => {
          if (line === "drill:ready") ready = true
          const claimed = /^drill:claimed (\d+)$/.exec(line)
          if (claimed !== null) claims.push({ at: Date.now(), count: Number(claimed[1]) })
        })
        started.stderr!.on("data", (data: Buffer) => (errorTail = (errorTail + data.toString()).slice(-2_000)))
        return started
      }),
      (started) => Effect.promise(() => killNow(started))
    )

    const exited = () => child.exitCode !== null || child.signalCode !== null
    const startedBy = Date.now() + Duration.toMillis(startTimeout)
    while (!ready) {
      if (exited()) return yield* Effect.fail(new Error(`the persisting child exited: ${errorTail}`))
      if (Date.now() > startedBy) return yield* Effect.fail(new Error(`the persisting child did not start: ${errorTail}`))
      yield* Effect.sleep(pollInterval)
    }

    const claimsAfter = (notBefore: number) =>
      Effect.gen(function* () {
        const waitUntil = Date.now() + Duration.toMillis(claimTimeout)
        for (;;) {
          const report = claims.find((claim) => claim.at >= notBefore)
          if (report !== undefined) return report.count
          if (Date.now() > waitUntil) return yield* Effect.fail(new Error("the persisting child claimed nothing"))
          yield* Effect.sleep(pollInterval)
        }
      })

    const claimedSince = (since: number) =>
      claims.filter((claim) => claim.at >= since).reduce((total, claim) => total + claim.count, 0)

    return { claimsAfter, claimedSince, kill: Effect.promise(() => killNow(child)) }
  })
