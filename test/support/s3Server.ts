import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3"
import { Effect, type Scope } from "effect"
import S3rver from "s3rver"
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

const listen = async (directory: string, port: number, bucket: string) => {
  const server = new S3rver({
    address: loopbackAddress,
    port,
    directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket }]
  })
  const address = await server.run()

  if (address.address !== loopbackAddress) {
    await server.close()
    throw new Error(`s3rver listened on ${address.address}; the tests allow ${loopbackAddress} only`)
  }
  return { server, port: address.port }
}

const close = async (server: S3rver) => {
  server.httpServer?.closeAllConnections()
  await server.close()
}

/**
 * Starts a real s3rver on 127.0.0.1, on a free port, storing into a fresh temporary directory.
 * The scope stops it and removes the directory.
 *
 * NOTE: s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3
 * (Node 17 and later) disables. Every truncated listing, including `list(prefix, 1)` over two
 * objects, then fails with InternalError unless Node runs with --openssl-legacy-provider.
 * It also lists keys in directory-walk order, not byte order, when `/` meets `-` or `.`.
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
    let running: S3rver | undefined = first.server
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
      running = (await listen(directory, port, bucket)).server
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
