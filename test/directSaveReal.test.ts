import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Context, Duration, Effect, Layer, Logger, Option, Schedule } from "effect"
import * as FileDurableStore from "../adapters/filesystem/FileDurableStore.ts"
import * as LocalKeyring from "../adapters/keyring/LocalKeyring.ts"
import * as S3DurableStore from "../adapters/s3/S3DurableStore.ts"
import { Drafts } from "../programs/Drafts.ts"
import { DraftsConfig } from "../programs/DraftsConfig.ts"
import { Create, Replace } from "../programs/model.ts"
import { DurableStore } from "../programs/ports/DurableStore.ts"
import { HotStore } from "../programs/ports/HotStore.ts"
import { StorageKeys } from "../programs/StorageKeys.ts"
import { randomKeyMaterial } from "./support/draftStack.ts"
import { draftId, ownerId } from "./support/draftIds.ts"
import { realSleep, redisStoreLayer } from "./support/redisHotStoreLayer.ts"
import { startRedisServer } from "./support/redisServer.ts"
import { fakeCredentials, startS3Server } from "./support/s3Server.ts"
import { s3ErrorBody, startScriptedHttpServer } from "./support/scriptedHttpServer.ts"
import { S3Client } from "@aws-sdk/client-s3"
import { clientConfig } from "../adapters/s3/s3Client.ts"

const ref = { owner: ownerId("claimant-r3a1s3"), draftId: draftId("Rl7Sx2Vq9Mb4Hc1Z") }

/** Short, so the test waits little; the outages below last several times longer. */
const fenceMillis = 200

/** Retries a call until Redis responds again after SIGCONT, for at most a few seconds. */
const eventually = <A, E>(call: Effect.Effect<A, E>) => Effect.retry(call, Schedule.spaced("50 millis").pipe(Schedule.upTo("8 seconds")))

describe("hot tier down on Redis and s3rver", () => {
  it.scopedLive("saves still answer 503", () =>
    Effect.gen(function* () {
      const redis = yield* Effect.acquireRelease(
        Effect.promise(() => startRedisServer()),
        (server) => Effect.promise(() => server.stop())
      )
      const s3 = yield* startS3Server()
      const messages: Array<string> = []
      const logger = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ message }) => messages.push(String(message)))
      )

      const stores = Layer.mergeAll(
        redisStoreLayer(redis.url, { commandTimeoutMillis: 500, maxReconnectDelayMillis: 100 }),
        S3DurableStore.layer(s3.settings),
        LocalKeyring.layer(randomKeyMaterial()),
        DraftsConfig.layer({ hotOutageFence: Duration.millis(fenceMillis) })
      )
      const context = yield* Layer.build(Drafts.layer.pipe(Layer.provideMerge(stores), Layer.provide(logger)))
      const drafts = Context.get(context, Drafts)

      expect(Context.get(context, DurableStore).putIfAbsent).toBeUndefined()
      expect(messages.some((message) => message.includes("does not enforce If-None-Match"))).toBe(true)

      const first = yield* drafts.save({ ...ref, document: `{"page":1}`, precondition: Create })
      yield* drafts.flush(ref)
      yield* Effect.promise(() => redis.kill())

      // Several write-behind rounds over more than the fence delay, as the loop would run them.
      for (let round = 0; round < 4; round++) {
        yield* Effect.either(drafts.persistPending)
        yield* realSleep(fenceMillis)
      }
      const error = yield* Effect.flip(drafts.save({ ...ref, document: `{"page":2}`, precondition: Replace(first.etag) }))
      expect(error).toMatchObject({ _tag: "StoreUnavailable", tier: "hot" })

      const loaded = yield* drafts.load(ref)
      expect(loaded.tier).toBe("durable")
      expect(loaded.etag).toBe(first.etag)
    }))
})

describe("hot tier paused on Redis with a filesystem store", () => {
  it.scopedLive("direct save survives the stale hot record", () =>
    Effect.gen(function* () {
      const redis = yield* Effect.acquireRelease(
        Effect.promise(() => startRedisServer()),
        (server) => Effect.promise(() => server.stop())
      )
      const directory = yield* Effect.acquireRelease(
        Effect.promise(() => mkdtemp(join(tmpdir(), "claim-drafts-direct-"))),
        (path) => Effect.promise(() => rm(path, { recursive: true, force: true }))
      )
      const stores = Layer.mergeAll(
        redisStoreLayer(redis.url, { commandTimeoutMillis: 300, maxReconnectDelayMillis: 100 }),
        FileDurableStore.layer({ directory }),
        LocalKeyring.layer(randomKeyMaterial()),
        DraftsConfig.layer({ hotOutageFence: Duration.millis(fenceMillis) })
      )
      const storeContext = yield* Layer.build(stores)
      const instance = Effect.map(
        Layer.build(Drafts.layer.pipe(Layer.provide(Layer.succeedContext(storeContext)))),
        (context) => Context.get(context, Drafts)
      )
      const writer = yield* instance
      const bystander = yield* instance

      const first = yield* writer.save({ ...ref, document: `{"page":1}`, precondition: Create })
      yield* writer.flush(ref)

      // SIGSTOP keeps Redis's data, so it comes back with the first version.
      redis.pause()
      for (let round = 0; round < 4; round++) {
        yield* Effect.all([Effect.either(writer.persistPending), Effect.either(bystander.persistPending)], { concurrency: 2 })
        yield* realSleep(fenceMillis)
      }
      const direct = yield* writer.save({ ...ref, document: `{"page":2}`, precondition: Replace(first.etag) })
      expect(direct.direct).toBe(true)
      expect(direct.durable).toBe(true)
      redis.resume()

      const key = yield* Effect.map(StorageKeys, (keys) => keys.draftKey(ref.owner, ref.draftId)).pipe(
        Effect.provide(StorageKeys.Default),
        Effect.provide(storeContext)
      )
      const stale = yield* eventually(Context.get(storeContext, HotStore).get(key))
      expect(Option.map(stale, (record) => record.etag)).toEqual(Option.some(first.etag))

      const stored = yield* bystander.load(ref)
      expect(stored.etag).toBe(direct.etag)
      expect(stored.document).toBe(`{"page":2}`)
      const rejected = yield* Effect.flip(bystander.save({ ...ref, document: `{"page":"lost"}`, precondition: Replace(first.etag) }))
      expect(rejected).toMatchObject({ _tag: "PreconditionFailed", reason: "stale-version" })
    }))
})

describe("S3 putIfAbsent", () => {
  it.scoped("412 means the key exists", () =>
    Effect.gen(function* () {
      const rejected = {
        status: 412,
        body: s3ErrorBody("PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
      }
      const scripted = yield* startScriptedHttpServer([{ status: 200, headers: { etag: '"0123456789abcdef0123456789abcdef"' } }, rejected], undefined)
      const client = yield* Effect.acquireRelease(
        Effect.sync(
          () => new S3Client(clientConfig({ bucket: "scripted", region: "us-east-1", endpoint: scripted.endpoint, credentials: fakeCredentials }))
        ),
        (made) => Effect.sync(() => made.destroy())
      )
      const store = yield* S3DurableStore.make(client, { bucket: "scripted", prefix: "drafts" }, { conditionalCreate: true })

      const bytes = new TextEncoder().encode("claim")
      expect(yield* store.putIfAbsent!("a/b/successors/0000000000000001", bytes)).toBe("created")
      expect(yield* store.putIfAbsent!("a/b/successors/0000000000000001", bytes)).toBe("exists")
      expect(scripted.requests).toHaveLength(2)
      for (const request of scripted.requests) expect(request).toMatch(/^PUT \/scripted\/drafts\/a\/b\/successors\/0000000000000001\b/)
      for (const headers of scripted.requestHeaders) expect(headers["if-none-match"]).toBe("*")
    }))

  it.scoped("store without the option has none", () =>
    Effect.gen(function* () {
      const server = yield* startS3Server()
      const store = yield* S3DurableStore.make(server.makeClient(), { bucket: server.bucket })
      expect(store.putIfAbsent).toBeUndefined()
    }))
})
