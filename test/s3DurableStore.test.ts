import { Agent } from "node:http"
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Deferred, Effect, Either, Fiber, Layer, Option, type Scope } from "effect"
import { clientConfig, requestHandlerOptions } from "../adapters/s3/s3Client.ts"
import * as S3DurableStore from "../adapters/s3/S3DurableStore.ts"
import { settingsConfig } from "../adapters/s3/S3Settings.ts"
import type { StoreUnavailable } from "../domain/errors.ts"
import { versionPath } from "../programs/durablePaths.ts"
import { DurableStore } from "../programs/ports/DurableStore.ts"
import { durableStoreContract } from "./contracts/durableStoreContract.ts"
import { fakeCredentials, startS3Server, type S3TestServer } from "./support/s3Server.ts"
import { s3ErrorBody, startScriptedHttpServer } from "./support/scriptedHttpServer.ts"

const key = { owner: "b3duZXI", draft: "ZHJhZnQtMDEyMzQ1Njc4OQ" }
const path = versionPath(key, 1, "draft")

/** Fields the SDK attaches to every error after its retries. */
const sdkMetadata = (error: StoreUnavailable) =>
  (error.cause as { $metadata?: { attempts?: number; totalRetryDelay?: number } }).$metadata ?? {}

const errorCodeOf = (error: StoreUnavailable) => {
  const cause = error.cause as { code?: string; name?: string }
  return cause.code ?? cause.name
}

/** Makes a client with one pooled connection, so a body left unread blocks every later request. */
const singleSocketClient = (server: S3TestServer) => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const client = server.makeClient({
    maxAttempts: 1,
    requestHandler: { ...requestHandlerOptions({ ...server.settings, requestTimeoutMillis: 1_500 }), httpAgent: agent }
  })
  return Effect.acquireRelease(Effect.succeed({ agent, client }), () =>
    Effect.sync(() => {
      client.destroy()
      agent.destroy()
    })
  )
}

type Body = { readonly destroyed: boolean; transformToByteArray: () => Promise<Uint8Array> }

/** Runs `onGet` on each GetObject response before the store receives it. */
const interceptGetObject = (client: S3Client, onGet: (body: Body) => Promise<void>) =>
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args)
      const body = (result.output as { Body?: Body }).Body
      if (context.commandName === "GetObjectCommand" && body !== undefined) await onGet(body)
      return result
    },
    { step: "initialize", name: "interceptGetObject" }
  )

const withServer = <A, E>(f: (server: S3TestServer) => Effect.Effect<A, E, Scope.Scope>) =>
  Effect.flatMap(startS3Server(), f)

/** A client configured like the store's, aimed at a scripted loopback server. */
const scriptedClient = (endpoint: string, overrides: { maxAttempts?: number; requestTimeoutMillis?: number } = {}) =>
  Effect.acquireRelease(
    Effect.sync(
      () =>
        new S3Client(
          clientConfig({ bucket: "scripted", region: "us-east-1", endpoint, credentials: fakeCredentials, ...overrides })
        )
    ),
    (client) => Effect.sync(() => client.destroy())
  )

describe("S3DurableStore", () => {
  it.scoped("server listens on loopback only", () =>
    withServer((server) =>
      Effect.sync(() => {
        expect(new URL(server.endpoint).hostname).toBe("127.0.0.1")
        expect(process.env.AWS_EC2_METADATA_DISABLED).toBe("true")
      })
    ))

  it.scoped("keys are prefix plus path, with no metadata", () =>
    withServer((server) =>
      Effect.gen(function* () {
        const client = server.makeClient()
        const store = yield* S3DurableStore.make(client, { bucket: server.bucket, prefix: "drafts" })
        yield* store.put(path, Uint8Array.of(1, 2, 3))

        const listed = yield* Effect.promise(() => client.send(new ListObjectsV2Command({ Bucket: server.bucket })))
        const head = yield* Effect.promise(() =>
          client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: `drafts/${path}` }))
        )

        expect(listed.Contents?.map((object) => object.Key)).toEqual([`drafts/${path}`])
        expect(head.Metadata ?? {}).toEqual({})
        expect(head.ContentType).toBe("application/octet-stream")
        expect(yield* store.list("")).toEqual([path])
      })
    ))

  it.scoped("unread body blocks a one-socket pool", () =>
    withServer((server) =>
      Effect.gen(function* () {
        const { client } = yield* singleSocketClient(server)
        const store = yield* S3DurableStore.make(client, server)
        yield* store.put(path, Uint8Array.of(1))

        // What the store must never do: take the response and leave its body unread.
        yield* Effect.promise(() => client.send(new GetObjectCommand({ Bucket: server.bucket, Key: path })))
        const next = yield* Effect.either(store.get(path))

        expect(next._tag).toBe("Left")
      })
    ))

  it.scoped("missing keys release their connection", () =>
    withServer((server) =>
      Effect.gen(function* () {
        const { client } = yield* singleSocketClient(server)
        const store = yield* S3DurableStore.make(client, server)

        for (let i = 0; i < 5; i++) expect(yield* store.get(`${path}.missing${i}`)).toEqual(Option.none())
        yield* store.put(path, Uint8Array.of(1))

        expect(Option.map(yield* store.get(path), Array.from)).toEqual(Option.some([1]))
      })
    ))

  it.scoped("failed body read destroys the body", () =>
    withServer((server) =>
      Effect.gen(function* () {
        const { client } = yield* singleSocketClient(server)
        const store = yield* S3DurableStore.make(client, server)
        yield* store.put(path, Uint8Array.of(1, 2, 3))
        const bodies: Array<Body> = []
        let failReads = true
        interceptGetObject(client, async (body) => {
          bodies.push(body)
          if (failReads) body.transformToByteArray = () => Promise.reject(new Error("connection reset while reading"))
        })

        const failure = yield* Effect.flip(store.get(path))
        failReads = false

        expect(failure._tag).toBe("StoreUnavailable")
        expect(failure.method).toBe("get")
        expect(bodies[0]?.destroyed).toBe(true)
        expect(Option.map(yield* store.get(path), Array.from)).toEqual(Option.some([1, 2, 3]))
      })
    ))

  it.scoped("interrupted body read destroys the body", () =>
    withServer((server) =>
      Effect.gen(function* () {
        const { client } = yield* singleSocketClient(server)
        const store = yield* S3DurableStore.make(client, server)
        yield* store.put(path, Uint8Array.of(4))
        const reading = yield* Deferred.make<Body>()
        let stallReads = true
        interceptGetObject(client, async (body) => {
          if (!stallReads) return
          body.transformToByteArray = () => {
            Effect.runSync(Deferred.succeed(reading, body))
            return new Promise(() => undefined)
          }
        })

        const get = yield* Effect.fork(store.get(path))
        const body = yield* Deferred.await(reading)
        yield* Fiber.interrupt(get)
        stallReads = false

        expect(body.destroyed).toBe(true)
        expect(Option.map(yield* store.get(path), Array.from)).toEqual(Option.some([4]))
      })
    ))

  it.scoped("response after interruption is destroyed", () =>
    withServer((server) =>
      Effect.gen(function* () {
        const { client } = yield* singleSocketClient(server)
        const store = yield* S3DurableStore.make(client, server)
        yield* store.put(path, Uint8Array.of(5))
        const arrived = yield* Deferred.make<Body>()
        const release = yield* Deferred.make<void>()
        let holdResponses = true
        interceptGetObject(client, async (body) => {
          if (!holdResponses) return
          holdResponses = false
          Effect.runSync(Deferred.succeed(arrived, body))
          await Effect.runPromise(Deferred.await(release))
        })

        // The response is in hand but not yet returned when the caller gives up.
        const get = yield* Effect.fork(store.get(path))
        const body = yield* Deferred.await(arrived)
        yield* Fiber.interrupt(get)
        yield* Deferred.succeed(release, undefined)
        yield* Effect.promise(() => new Promise((resolve) => setImmediate(resolve)))

        expect(body.destroyed).toBe(true)
        expect(Option.map(yield* store.get(path), Array.from)).toEqual(Option.some([5]))
      })
    ))

  it.scoped("stopped server fails fast, then recovers", () =>
    withServer((server) =>
      Effect.gen(function* () {
        const client = server.makeClient()
        const store = yield* S3DurableStore.make(client, server)
        yield* store.put(path, Uint8Array.of(6))

        yield* server.stop
        const failures = yield* Effect.all([
          Effect.flip(store.get(path)),
          Effect.flip(store.put(path, Uint8Array.of(7))),
          Effect.flip(store.list("")),
          Effect.flip(store.delete([path]))
        ])
        yield* server.start

        expect(failures.map((failure) => [failure.tier, failure.method])).toEqual([
          ["durable", "get"],
          ["durable", "put"],
          ["durable", "list"],
          ["durable", "delete"]
        ])
        const first = failures[0] as StoreUnavailable
        expect(errorCodeOf(first)).toBe("ECONNREFUSED")
        expect(sdkMetadata(first).attempts).toBe(3)
        // Full-jitter backoff after attempts 1 and 2 stays under 50 ms + 100 ms.
        expect(sdkMetadata(first).totalRetryDelay).toBeLessThanOrEqual(150)
        expect(Option.map(yield* store.get(path), Array.from)).toEqual(Option.some([6]))
      })
    ))

  it.scoped("silent server times out", () =>
    Effect.gen(function* () {
      const silent = yield* startScriptedHttpServer([], undefined)
      const client = yield* scriptedClient(silent.endpoint, { maxAttempts: 2, requestTimeoutMillis: 300 })
      const store = yield* S3DurableStore.make(client, { bucket: "scripted" })

      const failure = yield* Effect.flip(store.get(path))

      expect(failure.method).toBe("get")
      expect((failure.cause as { name?: string }).name).toBe("TimeoutError")
      expect(silent.requests).toHaveLength(2)
    }))

  it.scoped("throttling and 5xx are retried", () =>
    Effect.gen(function* () {
      const scripted = yield* startScriptedHttpServer(
        [
          { status: 503, body: s3ErrorBody("SlowDown", "Please reduce your request rate.") },
          { status: 500, body: s3ErrorBody("InternalError", "We encountered an internal error.") }
        ],
        { status: 200, headers: { etag: '"0123456789abcdef0123456789abcdef"' } }
      )
      const client = yield* scriptedClient(scripted.endpoint)
      const store = yield* S3DurableStore.make(client, { bucket: "scripted" })

      yield* store.put(path, Uint8Array.of(8))

      expect(scripted.requests).toEqual(Array.from({ length: 3 }, () => `PUT /scripted/${path}?x-id=PutObject`))
    }))

  it.scoped("persistent 5xx becomes StoreUnavailable", () =>
    Effect.gen(function* () {
      const failing = { status: 503, body: s3ErrorBody("SlowDown", "Please reduce your request rate.") }
      const scripted = yield* startScriptedHttpServer([], failing)
      const client = yield* scriptedClient(scripted.endpoint)
      const store = yield* S3DurableStore.make(client, { bucket: "scripted" })

      const failure = yield* Effect.flip(store.list(""))

      expect(failure.method).toBe("list")
      expect(failure.retryAfterSeconds).toBe(5)
      expect(errorCodeOf(failure)).toBe("SlowDown")
      expect(scripted.requests).toHaveLength(3)
    }))

  it.scoped("layerConfig reads the environment", () =>
    withServer((server) =>
      Effect.gen(function* () {
        // The SDK's credential chain reads these variables, and the store itself never receives them.
        yield* Effect.acquireRelease(
          Effect.sync(() => {
            process.env.AWS_ACCESS_KEY_ID = fakeCredentials.accessKeyId
            process.env.AWS_SECRET_ACCESS_KEY = fakeCredentials.secretAccessKey
          }),
          () =>
            Effect.sync(() => {
              delete process.env.AWS_ACCESS_KEY_ID
              delete process.env.AWS_SECRET_ACCESS_KEY
            })
        )
        const environment = new Map([
          ["CLAIM_DRAFTS_S3_BUCKET", server.bucket],
          ["CLAIM_DRAFTS_S3_PREFIX", "configured"],
          ["S3_ENDPOINT", server.endpoint]
        ])

        yield* Effect.flatMap(DurableStore, (store) => store.put(path, Uint8Array.of(9))).pipe(
          Effect.provide(S3DurableStore.layerConfig),
          Effect.withConfigProvider(ConfigProvider.fromMap(environment))
        )
        const listed = yield* Effect.promise(() =>
          server.makeClient().send(new ListObjectsV2Command({ Bucket: server.bucket }))
        )

        expect(listed.Contents?.map((object) => object.Key)).toEqual([`configured/${path}`])
      })
    ))
})

describe("S3 settings", () => {
  const read = (entries: ReadonlyArray<readonly [string, string]>) =>
    Effect.either(Effect.withConfigProvider(settingsConfig, ConfigProvider.fromMap(new Map(entries))))

  it.effect("defaults region and omits endpoint", () =>
    Effect.gen(function* () {
      const settings = yield* read([["CLAIM_DRAFTS_S3_BUCKET", "claim-drafts"]])

      expect(Either.getOrUndefined(settings)).toEqual({ bucket: "claim-drafts", prefix: "", region: "us-east-1" })
    }))

  it.effect("invalid bucket name names the variable", () =>
    Effect.gen(function* () {
      const settings = yield* read([["CLAIM_DRAFTS_S3_BUCKET", "Claim_Drafts"]])

      expect(settings._tag).toBe("Left")
      expect(String(Option.getOrUndefined(Either.getLeft(settings)))).toContain("CLAIM_DRAFTS_S3_BUCKET")
    }))

  it.effect("endpoint selects path-style requests", () =>
    Effect.sync(() => {
      const withEndpoint = clientConfig({ bucket: "b", region: "eu-west-1", endpoint: "http://127.0.0.1:9" })
      const withoutEndpoint = clientConfig({ bucket: "b", region: "eu-west-1" })

      expect(withEndpoint.forcePathStyle).toBe(true)
      expect(withoutEndpoint.forcePathStyle).toBeUndefined()
      expect(withEndpoint.requestChecksumCalculation).toBe("WHEN_REQUIRED")
      expect(withEndpoint.responseChecksumValidation).toBe("WHEN_REQUIRED")
      expect(withEndpoint.maxAttempts).toBe(3)
    }))
})

durableStoreContract(
  "S3DurableStore on s3rver",
  Layer.unwrapScoped(Effect.map(startS3Server(), (server) => S3DurableStore.layer(server.settings))),
  { byteOrderAcrossSegments: false, paginationObjects: 1_100, createOnly: false }
)

durableStoreContract(
  "S3DurableStore with a key prefix",
  Layer.unwrapScoped(
    Effect.map(startS3Server(), (server) => S3DurableStore.layer({ ...server.settings, prefix: "drafts/" }))
  ),
  { byteOrderAcrossSegments: false, createOnly: false }
)
