import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import { createServer } from "node:net"
import { resolve } from "node:path"
import { Duration, Effect, type Scope } from "effect"
import { StepFailed } from "./StepFailed.ts"

export const repositoryRoot = resolve(import.meta.dirname, "../..")

const serverMain = resolve(repositoryRoot, "adapters/http/main.ts")
const cliMain = resolve(repositoryRoot, "adapters/cli/main.ts")

export type ChildEnvironment = Readonly<Record<string, string | undefined>>

export interface ProcessExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/** A child process running Node 24, the Node that runs this demo, as `npm start` does. */
export interface NodeChild {
  readonly process: ChildProcess
  readonly stdout: () => string
  /** Standard output and standard error interleaved as they arrived. */
  readonly output: () => string
  readonly exit: Promise<ProcessExit>
}

/** A server started from `adapters/http/main.ts`, listening on `baseUrl`. */
export interface ServerRun {
  readonly baseUrl: string
  readonly child: NodeChild
  readonly readyMillis: number
}

/** Startup strips the types of every module; on a loaded two-core machine it took 20 seconds. */
const readyTimeout = Duration.seconds(120)
const probeTimeout = Duration.seconds(2)
const probeInterval = Duration.millis(100)
/** The server's own shutdown deadline for persisting is 10 seconds by default. */
const stopTimeout = Duration.seconds(30)
/** How long the cleanup waits after SIGTERM before it sends SIGKILL. */
const terminateGrace = Duration.seconds(15)
const cliTimeout = Duration.seconds(120)

const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null

const describeExit = (exit: ProcessExit): string =>
  exit.signal === null ? `exit ${exit.code ?? "?"}` : `signal ${exit.signal}`

/** The last lines of a child's output, for a failure report. */
export const outputTail = (child: NodeChild, lines = 30): string => child.output().trimEnd().split("\n").slice(-lines).join("\n")

/**
 * Finds a loopback port that nothing listens on right now.
 * NOTE: another process may take the port before the server listens; the start then fails with the server's log.
 */
export const freeLoopbackPort: Effect.Effect<number> = Effect.promise(async () => {
  const server = createServer()
  server.listen(0, "127.0.0.1")
  await once(server, "listening")
  const address = server.address()
  server.close()
  await once(server, "close")
  if (typeof address !== "object" || address === null) throw new Error("the loopback listener reported no port")
  return address.port
})

const waitForExit = (child: NodeChild, timeout: Duration.Duration) =>
  Effect.promise(() => child.exit).pipe(Effect.timeoutOption(timeout))

/** Sends SIGTERM to a running child, then SIGKILL if it is still running after the grace time. */
const terminate = (child: NodeChild): Effect.Effect<void> =>
  Effect.gen(function* () {
    if (hasExited(child.process)) return

    child.process.kill("SIGTERM")
    const exited = yield* waitForExit(child, terminateGrace)
    if (exited._tag === "Some") return

    child.process.kill("SIGKILL")
    yield* Effect.promise(() => child.exit)
  })

/** Spawns `node ...args` in the repository; the scope terminates the child if it still runs. */
const spawnNode = (args: ReadonlyArray<string>, env: ChildEnvironment): Effect.Effect<NodeChild, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const child = spawn(process.execPath, [...args], { cwd: repositoryRoot, env, stdio: ["ignore", "pipe", "pipe"] })
      let stdout = ""
      let output = ""
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk
        output += chunk
      })
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))

      const exit = new Promise<ProcessExit>((resolveExit) => {
        child.once("close", (code, signal) => resolveExit({ code, signal }))
        // A failed spawn emits "error" and then "close", so the exit still resolves.
        child.once("error", (error) => (output += `spawn failed: ${error.message}\n`))
      })
      return { process: child, stdout: () => stdout, output: () => output, exit }
    }),
    terminate
  )

/** Returns the status of GET /readyz, or 0 when the server does not respond. */
const probeReadiness = (baseUrl: string): Effect.Effect<number> =>
  Effect.tryPromise(async (signal) => {
    const response = await fetch(`${baseUrl}/readyz`, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(Duration.toMillis(probeTimeout))])
    })
    await response.body?.cancel()
    return response.status
  }).pipe(Effect.orElseSucceed(() => 0))

/**
 * Starts the HTTP server as `npm start` does, on a free loopback port, and waits until
 * /readyz returns 200. The scope stops the server if it is still running.
 */
export const startServer = (step: string, env: ChildEnvironment): Effect.Effect<ServerRun, StepFailed, Scope.Scope> =>
  Effect.gen(function* () {
    const port = yield* freeLoopbackPort
    const baseUrl = `http://127.0.0.1:${port}`
    const started = performance.now()
    const child = yield* spawnNode([serverMain], { ...env, HOST: "127.0.0.1", PORT: String(port) })

    for (;;) {
      if (hasExited(child.process)) {
        const exit = yield* Effect.promise(() => child.exit)
        const reason = `the server ended with ${describeExit(exit)} before /readyz returned 200`
        return yield* new StepFailed({ step, reason, detail: outputTail(child) })
      }

      const status = yield* probeReadiness(baseUrl)
      if (status === 200) return { baseUrl, child, readyMillis: performance.now() - started }

      if (performance.now() - started > Duration.toMillis(readyTimeout)) {
        const reason = `/readyz did not return 200 within ${Duration.format(readyTimeout)} (last status ${status || "none"})`
        return yield* new StepFailed({ step, reason, detail: outputTail(child) })
      }
      yield* Effect.sleep(probeInterval)
    }
  })

/** Sends SIGTERM and waits for the server to exit; it must persist pending drafts and exit 0. */
export const stopServer = (step: string, server: ServerRun): Effect.Effect<{ readonly millis: number }, StepFailed> =>
  Effect.gen(function* () {
    const started = performance.now()
    server.child.process.kill("SIGTERM")

    const exited = yield* waitForExit(server.child, stopTimeout)
    if (exited._tag === "None") {
      const reason = `the server did not exit within ${Duration.format(stopTimeout)} of SIGTERM`
      return yield* new StepFailed({ step, reason, detail: outputTail(server.child) })
    }
    if (exited.value.code !== 0) {
      const reason = `the server ended with ${describeExit(exited.value)}, expected exit 0`
      return yield* new StepFailed({ step, reason, detail: outputTail(server.child) })
    }
    return { millis: performance.now() - started }
  })

/** Runs `claim-drafts token` with the server's environment and returns the JWT it prints. */
export const issueTokenWithCli = (
  step: string,
  env: ChildEnvironment,
  owner: string
): Effect.Effect<{ readonly token: string; readonly millis: number }, StepFailed> =>
  Effect.scoped(
    Effect.gen(function* () {
      const started = performance.now()
      const child = yield* spawnNode([cliMain, "token", "--owner", owner, "--ttl", "15m"], env)

      const exited = yield* waitForExit(child, cliTimeout)
      if (exited._tag === "None") {
        return yield* new StepFailed({ step, reason: `the CLI did not exit within ${Duration.format(cliTimeout)}` })
      }
      if (exited.value.code !== 0) {
        const reason = `the CLI ended with ${describeExit(exited.value)}, expected exit 0`
        return yield* new StepFailed({ step, reason, detail: outputTail(child) })
      }

      const token = child.stdout().trim()
      if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) {
        return yield* new StepFailed({ step, reason: "the CLI printed no JWT on standard output" })
      }
      return { token, millis: performance.now() - started }
    })
  )
