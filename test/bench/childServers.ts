import { type ChildProcess, spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, Option, Redacted, type Scope } from "effect"
import type { BenchEnvironment } from "./environment.ts"

const serverModule = fileURLToPath(new URL("../../adapters/http/main.ts", import.meta.url))
const bareModule = fileURLToPath(new URL("./bareHttpServer.ts", import.meta.url))
const startTimeoutMillis = 120_000
const stopTimeoutMillis = 15_000

export interface ChildServer {
  readonly baseUrl: string
  /** Everything the process wrote, for error messages. */
  readonly output: () => string
}

const stopChild = (child: ChildProcess) =>
  Effect.promise(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        const forced = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMillis)
        child.once("exit", () => {
          clearTimeout(forced)
          resolve()
        })
        child.kill("SIGTERM")
      })
  )

/**
 * Spawns a server process and waits until its output names the URL it listens on. The scope
 * stops it with SIGTERM (SIGKILL after 15 s), also when startup fails.
 */
const spawnServer = (
  module: string,
  environment: Readonly<Record<string, string>>,
  listeningUrl: (output: string) => string | undefined
): Effect.Effect<ChildServer, Error, Scope.Scope> =>
  Effect.gen(function* () {
    let output = ""
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const started = spawn(process.execPath, [module], { env: environment, stdio: ["ignore", "pipe", "pipe"] })
        started.stdout.on("data", (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-20_000)))
        started.stderr.on("data", (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-20_000)))
        return started
      }),
      stopChild
    )

    const baseUrl = yield* Effect.async<string, Error>((resume) => {
      const timer = setTimeout(() => finish(new Error(`${module} did not listen within ${startTimeoutMillis} ms:\n${output}`)), startTimeoutMillis)
      const check = () => {
        const url = listeningUrl(output)
        if (url !== undefined) finish(url)
      }
      const onExit = (code: number | null) => finish(new Error(`${module} exited with code ${code} before it listened:\n${output}`))
      const finish = (result: string | Error) => {
        clearTimeout(timer)
        child.stdout?.off("data", check)
        child.off("exit", onExit)
        resume(typeof result === "string" ? Effect.succeed(result) : Effect.fail(result))
      }
      child.stdout?.on("data", check)
      child.once("exit", onExit)
      check()
    })
    return { baseUrl, output: () => output }
  })

const base64 = (secret: Redacted.Redacted<Uint8Array>) => Buffer.from(Redacted.value(secret)).toString("base64")

/** Node options for the claim-drafts server process only, for example `--cpu-prof --cpu-prof-dir=DIR`. */
const serverNodeOptionsVariable = "BENCH_SERVER_NODE_OPTIONS"

/**
 * Starts `npm start`'s entry point against the environment's servers: Redis hot tier, S3 on
 * s3rver, KMS on the test server, with the environment's secrets, listening on a free
 * loopback port. HOME and the AWS config paths point into a temporary directory, so the
 * process reads no configuration of the machine's user.
 */
export const startClaimDraftsServer = (environment: BenchEnvironment): Effect.Effect<ChildServer, Error, Scope.Scope> =>
  Effect.gen(function* () {
    const home = yield* Effect.acquireRelease(
      Effect.promise(() => mkdtemp(join(tmpdir(), "claim-drafts-bench-home-"))),
      (path) => Effect.promise(() => rm(path, { recursive: true, force: true }))
    )
    const tokenSecret = Option.getOrThrow(environment.secrets.tokenSigningSecret)
    const profiling = process.env[serverNodeOptionsVariable]
    return yield* spawnServer(
      serverModule,
      {
        PATH: process.env.PATH ?? "",
        ...(profiling === undefined ? {} : { NODE_OPTIONS: profiling }),
        HOME: home,
        XDG_CONFIG_HOME: join(home, "config"),
        AWS_CONFIG_FILE: join(home, "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials"),
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_REGION: environment.kms.region,
        AWS_ACCESS_KEY_ID: environment.awsCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: environment.awsCredentials.secretAccessKey,
        HOST: "127.0.0.1",
        PORT: "0",
        REDIS_URL: environment.redis.url,
        CLAIM_DRAFTS_S3_BUCKET: environment.s3.bucket,
        S3_ENDPOINT: environment.s3.endpoint,
        CLAIM_DRAFTS_KMS_KEY_ID: environment.kmsKey.arn,
        KMS_ENDPOINT: environment.kms.endpoint,
        CLAIM_DRAFTS_ENVIRONMENT: "benchmark",
        CLAIM_DRAFTS_STORAGE_SECRET: base64(environment.secrets.storageKeySecret),
        CLAIM_DRAFTS_TOKEN_SECRET: base64(tokenSecret)
      },
      (output) => /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
    )
  })

/** Starts the bare baseline server (bareHttpServer.ts) on a free loopback port. */
export const startBareServer = (environment: BenchEnvironment): Effect.Effect<ChildServer, Error, Scope.Scope> =>
  spawnServer(
    bareModule,
    {
      PATH: process.env.PATH ?? "",
      BENCH_REDIS_URL: environment.redis.url,
      BENCH_TOKEN_SECRET: Buffer.from(environment.tokenSecret).toString("base64")
    },
    (output) => {
      const port = /^\{"port":(\d+)\}$/m.exec(output)?.[1]
      return port === undefined ? undefined : `http://127.0.0.1:${port}`
    }
  )
