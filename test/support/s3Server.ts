import { type ChildProcess, spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3"
import { Effect, type Scope } from "effect"
import { clientConfig } from "../../adapters/s3/s3Client.ts"
import type { S3Settings } from "../../adapters/s3/S3Settings.ts"

// Every client in the tests gets static credentials and a loopback endpoint. This guard stops
// the SDK from probing the instance metadata service should one ever fall back to its chain.
process.env.AWS_EC2_METADATA_DISABLED = "true"

/** The key pair s3rver accepts; it opens nothing anywhere else. */
export const fakeCredentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }

export const loopbackAddress = "127.0.0.1"

export interface S3TestServer {
  /** `http://127.0.0.1:<port>`, stable across `stop` and `start`. */
  readonly endpoint: string
  readonly port: number
  /** A bucket created at startup. */
  readonly bucket: string
  /** Store settings for this server: loopback endpoint, fake credentials, path-style requests. */
  readonly settings: S3Settings
  /** A client configured like the store's, aimed at this server; overrides cannot change the endpoint or credentials. */
  readonly makeClient: (overrides?: Omit<S3ClientConfig, "endpoint" | "credentials">) => S3Client
  /** Closes the listener and every open connection; requests fail with ECONNREFUSED until `start`. */
  readonly stop: Effect.Effect<void>
  /** Listens again on the same port, with the objects stored before `stop`. */
  readonly start: Effect.Effect<void>
}

const serverScript = fileURLToPath(new URL("./s3rverProcess.ts", import.meta.url))

/** Starts s3rver in a child process and waits until it reports the port it listens on. */
const listen = (directory: string, port: number, bucket: string) =>
  new Promise<{ child: ChildProcess; port: number }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--openssl-legacy-provider", serverScript, directory, String(port), bucket], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let output = ""
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8")
      const line = output.split("\n")[0]
      if (output.includes("\n") && line !== undefined) {
        child.stdout?.off("data", onData)
        child.off("exit", onExit)
        resolve({ child, port: (JSON.parse(line) as { port: number }).port })
      }
    }
    const onExit = (code: number | null) => reject(new Error(`s3rver exited with code ${code} before it listened`))
    child.stdout?.on("data", onData)
    child.once("exit", onExit)
  })

/** Stops the child and waits for it to exit, so the port is free again. */
const close = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })

/**
 * Starts a real s3rver on 127.0.0.1, on a free port, storing into a fresh temporary directory.
 * The scope stops it and removes the directory.
 *
 * s3rver runs in a child process with --openssl-legacy-provider (see s3rverProcess.ts), so
 * truncated listings work on Node 24.
 * NOTE: s3rver lists keys in directory-walk order, not byte order, when `/` meets `-` or `.`.
 */
export const startS3Server = (
  options: { readonly bucket?: string } = {}
): Effect.Effect<S3TestServer, never, Scope.Scope> =>
  Effect.gen(function* () {
    const bucket = options.bucket ?? "claim-drafts-test"

    const directory = yield* Effect.acquireRelease(
      Effect.promise(() => mkdtemp(join(tmpdir(), "claim-drafts-s3rver-"))),
      (path) => Effect.promise(() => rm(path, { recursive: true, force: true }))
    )

    const first = yield* Effect.promise(() => listen(directory, 0, bucket))
    let running: ChildProcess | undefined = first.child
    const port = first.port

    const stop = Effect.promise(async () => {
      if (running === undefined) return
      const server = running
      running = undefined
      await close(server)
    })
    yield* Effect.addFinalizer(() => stop)

    const start = Effect.promise(async () => {
      if (running !== undefined) return
      running = (await listen(directory, port, bucket)).child
    })

    const endpoint = `http://${loopbackAddress}:${port}`
    const settings: S3Settings = { bucket, region: "us-east-1", endpoint, credentials: fakeCredentials }

    return {
      endpoint,
      port,
      bucket,
      settings,
      makeClient: (overrides = {}) =>
        new S3Client({ ...clientConfig(settings), ...overrides, endpoint, credentials: fakeCredentials }),
      stop,
      start
    }
  })
