import { randomBytes } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Fiber, Layer, Option, Schedule } from "effect"
import type { StoreUnavailable } from "../domain/errors.ts"
import { Absent, Any, HotStore, type HotWrite } from "../programs/ports/HotStore.ts"
import { realSleep, redisStoreLayer, type TestStoreOptions } from "./support/redisHotStoreLayer.ts"
import { freeLoopbackPort, type RedisServer, type RedisServerOptions, startRedisServer } from "./support/redisServer.ts"

const hour = 3_600_000
const key = { owner: "b3duZXItZGlnZXN0", draft: "ZHJhZnQtZGlnZXN0" }

const writeOf = (etag: string, overrides: Partial<HotWrite> = {}): HotWrite => ({
  key,
  record: { bytes: randomBytes(64), etag: `"${etag}"`, durable: false },
  ttlMillis: hour,
  condition: Any,
  pending: { debounceMillis: 1_000, maxDelayMillis: 10_000, limit: 1_000 },
  ...overrides
})

/** A server for one test, stopped with the test's scope. */
const serverFor = (options?: RedisServerOptions) =>
  Effect.acquireRelease(
    Effect.promise(() => startRedisServer(options)),
    (server) => Effect.promise(() => server.stop())
  )

/** A store built inside the test's scope, so its client quits before the server stops. */
const storeFor = (url: string, options?: TestStoreOptions) =>
  Effect.map(Layer.build(redisStoreLayer(url, options)), (context) => Context.get(context, HotStore))

/**
 * Runs a call that must fail and returns its error. The bound is the command timeout plus a
 * generous margin and only turns a hung call into a test failure: the assertion is on the
 * error, never on elapsed time.
 */
const failureOf = <A>(call: Effect.Effect<A, StoreUnavailable>, commandTimeoutMillis = 2_000) =>
  Effect.flip(
    call.pipe(Effect.timeoutFail({ duration: commandTimeoutMillis + 5_000, onTimeout: () => "hung" as const }))
  )

const expectUnavailable = (error: StoreUnavailable | "hung", method: string) => {
  expect(error).not.toBe("hung")
  if (error === "hung") return
  expect(error._tag).toBe("StoreUnavailable")
  expect(error.tier).toBe("hot")
  expect(error.method).toBe(method)
}

/** Retries until the reconnecting client succeeds, for at most a few seconds of real time. */
const eventually = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.retry(effect, Schedule.spaced("50 millis").pipe(Schedule.upTo("8 seconds")))

describe("RedisHotStore failures", () => {
  it.scopedLive("dead Redis fails every method with StoreUnavailable", () =>
    Effect.gen(function* () {
      const server = yield* serverFor()
      const store = yield* storeFor(server.url, { commandTimeoutMillis: 1_000 })
      expect(yield* store.write(writeOf("1-a"))).toBe("written")

      yield* Effect.promise(() => server.kill())

      expectUnavailable(yield* failureOf(store.get(key)), "get")
      expectUnavailable(yield* failureOf(store.write(writeOf("2-b"))), "write")
      expectUnavailable(yield* failureOf(store.remove(key, Any)), "remove")
      expectUnavailable(yield* failureOf(store.ownerKeys(key.owner)), "ownerKeys")
      expectUnavailable(yield* failureOf(store.claimDue(Date.now(), 10, 1_000)), "claimDue")
      expectUnavailable(yield* failureOf(store.settle(key, `"1-a"`)), "settle")
      expectUnavailable(yield* failureOf(store.pendingCount), "pendingCount")
    })
  )

  it.scopedLive("SIGKILL and restart read as a lost hot tier", () =>
    Effect.gen(function* () {
      const server = yield* serverFor()
      const store = yield* storeFor(server.url)
      expect(yield* store.write(writeOf("1-a"))).toBe("written")
      expect(yield* store.pendingCount).toBe(1)

      yield* Effect.promise(() => server.kill())
      expectUnavailable(yield* failureOf(store.get(key)), "get")
      yield* Effect.promise(() => server.restart())

      expect(Option.isNone(yield* eventually(store.get(key)))).toBe(true)
      expect(yield* store.pendingCount).toBe(0)
      expect(yield* store.ownerKeys(key.owner)).toEqual([])
      expect(yield* store.write(writeOf("1-c", { condition: Absent }))).toBe("written")
    })
  )

  it.scopedLive("hung Redis fails at the command timeout", () =>
    Effect.gen(function* () {
      const server = yield* serverFor()
      const store = yield* storeFor(server.url, { commandTimeoutMillis: 300 })
      expect(yield* store.write(writeOf("1-a"))).toBe("written")

      server.pause()
      const error = yield* failureOf(store.get(key))
      server.resume()

      expectUnavailable(error, "get")
      if (error !== "hung") expect((error.cause as Error).message).toBe("Command timed out")
      expect(Option.isSome(yield* eventually(store.get(key)))).toBe(true)
    })
  )

  it.scopedLive("unreachable Redis at startup fails calls", () =>
    Effect.gen(function* () {
      const port = yield* Effect.promise(() => freeLoopbackPort())
      const store = yield* storeFor(`redis://127.0.0.1:${port}`, { commandTimeoutMillis: 1_000 })

      expectUnavailable(yield* failureOf(store.get(key)), "get")
      expectUnavailable(yield* failureOf(store.write(writeOf("1-a"))), "write")
    })
  )

  it.scopedLive("full Redis rejects a write whole", () =>
    Effect.gen(function* () {
      const server = yield* serverFor({ extraArguments: ["--maxmemory", "3mb", "--maxmemory-policy", "noeviction"] })
      const store = yield* storeFor(server.url)

      let rejected: StoreUnavailable | undefined
      let rejectedKey = key
      for (let index = 0; index < 10_000 && rejected === undefined; index++) {
        rejectedKey = { owner: key.owner, draft: `ZHJhZnQ${index}` }
        const write = { ...writeOf(`${index}-a`), key: rejectedKey, record: { bytes: randomBytes(4_096), etag: `"${index}-a"`, durable: false } }
        rejected = yield* store.write(write).pipe(
          Effect.as(undefined),
          Effect.catchTag("StoreUnavailable", (error) => Effect.succeed(error))
        )
      }

      expect(rejected?.method).toBe("write")
      const cause = rejected?.cause as Error & { command?: unknown }
      expect(cause.message).toMatch(/^OOM /)
      expect(cause.command).toBeUndefined()
      expect(Option.isNone(yield* store.get(rejectedKey))).toBe(true)
    })
  )
})

describe("RedisHotStore on a replica", () => {
  const primaryAndReplica = Effect.gen(function* () {
    // Without the default 5 s diskless sync delay the replica is in sync within milliseconds.
    const primary = yield* serverFor({ extraArguments: ["--repl-diskless-sync-delay", "0"] })
    const replica = yield* serverFor({ replicaOf: primary.port })
    yield* eventually(
      Effect.tryPromise(async () => {
        const client = replica.client()
        try {
          const info = await client.info("replication")
          if (!info.includes("master_link_status:up")) throw new Error("replica not yet in sync")
        } finally {
          client.disconnect()
        }
      })
    )
    return { primary, replica }
  })

  const readOnlyErrors = (server: RedisServer) =>
    Effect.promise(async () => {
      const client = server.client()
      try {
        const stats = await client.info("errorstats")
        return Number(/errorstat_READONLY:count=(\d+)/.exec(stats)?.[1] ?? 0)
      } finally {
        client.disconnect()
      }
    })

  it.scopedLive("write on a replica fails within the command timeout", () =>
    Effect.gen(function* () {
      const { replica } = yield* primaryAndReplica
      const store = yield* storeFor(replica.url, { commandTimeoutMillis: 1_000 })

      expectUnavailable(yield* failureOf(store.write(writeOf("1-a"))), "write")
      // One attempt sends two scripts (owner index and record), so more rejections mean resends.
      expect(yield* readOnlyErrors(replica)).toBeGreaterThan(2)
      expect(Option.isNone(yield* store.get(key))).toBe(true)
    })
  )

  it.scopedLive("READONLY write succeeds once the replica is promoted", () =>
    Effect.gen(function* () {
      const { replica } = yield* primaryAndReplica
      const store = yield* storeFor(replica.url, { commandTimeoutMillis: 5_000 })
      const write = writeOf("1-a")

      const pending = yield* Effect.fork(store.write(write))
      yield* realSleep(300)
      yield* Effect.promise(async () => {
        const client = replica.client()
        try {
          await client.replicaof("NO", "ONE")
        } finally {
          client.disconnect()
        }
      })

      expect(yield* Fiber.join(pending)).toBe("written")
      expect(yield* readOnlyErrors(replica)).toBeGreaterThan(0)
      const stored = Option.getOrThrow(yield* store.get(key))
      expect(Buffer.from(stored.bytes).equals(Buffer.from(write.record.bytes))).toBe(true)
    })
  )
})

describe("RedisHotStore authentication", () => {
  const password = "correct-horse-battery"

  it.scopedLive("password in the URL authenticates", () =>
    Effect.gen(function* () {
      const server = yield* serverFor({ extraArguments: ["--requirepass", password] })

      const withPassword = yield* storeFor(`redis://:${password}@127.0.0.1:${server.port}`)
      expect(yield* withPassword.write(writeOf("1-a"))).toBe("written")

      const withUser = yield* storeFor(`redis://default:${password}@127.0.0.1:${server.port}/0`)
      expect(Option.isSome(yield* withUser.get(key))).toBe(true)
    })
  )

  it.scopedLive("wrong password fails without revealing it", () =>
    Effect.gen(function* () {
      const server = yield* serverFor({ extraArguments: ["--requirepass", password] })
      const store = yield* storeFor(`redis://:wrong-secret-value@127.0.0.1:${server.port}`, { commandTimeoutMillis: 1_000 })

      const error = yield* failureOf(store.get(key))
      expectUnavailable(error, "get")
      const text = JSON.stringify(error) + String(error) + String((error as StoreUnavailable).cause)
      expect(text).not.toContain("wrong-secret-value")
    })
  )
})
