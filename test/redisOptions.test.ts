import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Redacted } from "effect"
import { redisHotStoreConfig } from "../adapters/redis/redisConfig.ts"
import { shardOf, shardPendingLimit } from "../adapters/redis/redisKeys.ts"
import { clientOptions, parseRedisUrl, type RedisHotStoreOptions, resolveOptions } from "../adapters/redis/redisOptions.ts"

const withEnvironment = (variables: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(variables))))

describe("parseRedisUrl", () => {
  it("reads host, port, database and credentials", () => {
    const target = Either.getOrThrow(parseRedisUrl("redis://user%40x:p%3Ass@127.0.0.1:6390/3"))

    expect(target.host).toBe("127.0.0.1")
    expect(target.port).toBe(6390)
    expect(target.db).toBe(3)
    expect(target.tls).toBe(false)
    expect(target.username).toBe("user@x")
    expect(target.password).toBeDefined()
    expect(Redacted.value(target.password!)).toBe("p:ss")
  })

  it("defaults port, database and credentials", () => {
    const target = Either.getOrThrow(parseRedisUrl("rediss://cache.internal"))

    expect(target.port).toBe(6379)
    expect(target.db).toBe(0)
    expect(target.tls).toBe(true)
    expect(target.username).toBeUndefined()
    expect(target.password).toBeUndefined()
  })

  it("rejects other schemes, queries and paths", () => {
    for (const url of ["http://127.0.0.1", "redis://127.0.0.1?family=6", "redis://127.0.0.1/db", "redis://", "not a url", "redis://h:0"]) {
      expect(Either.isLeft(parseRedisUrl(url))).toBe(true)
    }
  })

  it("rule never contains the URL", () => {
    const rule = Either.getLeft(parseRedisUrl("http://:hunter2-secret@127.0.0.1"))
    expect(rule._tag).toBe("Some")
    expect(JSON.stringify(rule)).not.toContain("hunter2-secret")
  })
})

describe("resolveOptions", () => {
  const url = Redacted.make("redis://127.0.0.1:6390")

  it("applies defaults", () => {
    const options = Either.getOrThrow(resolveOptions({ url }))
    expect(options.layout).toEqual({ prefix: "cd", shards: 16 })
    expect(options.commandTimeoutMillis).toBe(1_000)
    expect(options.maxRetriesPerRequest).toBe(1)
  })

  const invalidOption = (options: RedisHotStoreOptions) =>
    Either.match(resolveOptions(options), { onLeft: (problem) => problem.option, onRight: () => undefined })

  it("names the invalid option", () => {
    expect(invalidOption({ url, shards: 0 })).toBe("shards")
    expect(invalidOption({ url, shards: 2_000 })).toBe("shards")
    expect(invalidOption({ url, keyPrefix: "a{b}" })).toBe("keyPrefix")
    expect(invalidOption({ url, commandTimeoutMillis: 0.5 })).toBe("commandTimeoutMillis")
    expect(invalidOption({ url, maxRetriesPerRequest: -1 })).toBe("maxRetriesPerRequest")
    expect(invalidOption({ url: Redacted.make("redis://") })).toBe("url")
  })
})

describe("clientOptions", () => {
  const resolved = (url: string) => Either.getOrThrow(resolveOptions({ url: Redacted.make(url) }))

  it("bounds every request", () => {
    const options = clientOptions(resolved("redis://127.0.0.1:6390"))
    expect(options.commandTimeout).toBe(1_000)
    expect(options.maxRetriesPerRequest).toBe(1)
    expect(options.enableAutoPipelining).toBe(true)
    expect(options.retryStrategy?.(1_000)).toBe(2_000)
  })

  it("resends only after READONLY", () => {
    const options = clientOptions(resolved("redis://127.0.0.1:6390"))
    expect(options.reconnectOnError?.(new Error("READONLY You can't write against a read only replica."))).toBe(2)
    expect(options.reconnectOnError?.(new Error("OOM command not allowed"))).toBe(false)
  })

  it("enables TLS with the host name for rediss", () => {
    expect(clientOptions(resolved("rediss://cache.internal:6380")).tls).toEqual({ servername: "cache.internal" })
    expect(clientOptions(resolved("rediss://10.0.0.5")).tls).toEqual({})
    expect(clientOptions(resolved("redis://cache.internal")).tls).toBeUndefined()
  })
})

describe("redisHotStoreConfig", () => {
  it.effect("reads REDIS_* variables", () =>
    Effect.gen(function* () {
      const options = yield* redisHotStoreConfig
      expect(options.target.port).toBe(6391)
      expect(options.layout.shards).toBe(64)
      expect(options.commandTimeoutMillis).toBe(250)
    }).pipe(
      withEnvironment({ REDIS_URL: "redis://127.0.0.1:6391", REDIS_PENDING_SHARDS: "64", REDIS_COMMAND_TIMEOUT_MS: "250" })
    )
  )

  it.effect("names the variable and hides the URL", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(redisHotStoreConfig)
      expect(String(error)).toContain("REDIS_URL is invalid")
      expect(String(error)).not.toContain("hunter2-secret")
    }).pipe(withEnvironment({ REDIS_URL: "http://:hunter2-secret@127.0.0.1" }))
  )

  it.effect("requires REDIS_URL", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(redisHotStoreConfig)
      expect(String(error)).toContain("REDIS_URL")
    }).pipe(withEnvironment({}))
  )
})

describe("shards", () => {
  it("shardOf is stable and in range", () => {
    const layout = { prefix: "cd", shards: 16 }
    const key = { owner: "b3duZXI", draft: "ZHJhZnQtZGlnZXN0" }
    expect(shardOf(layout, key)).toBe(shardOf(layout, { ...key }))
    for (let index = 0; index < 1_000; index++) {
      const shard = shardOf(layout, { owner: "o", draft: `draft-${index}` })
      expect(Number.isInteger(shard)).toBe(true)
      expect(shard).toBeGreaterThanOrEqual(0)
      expect(shard).toBeLessThan(16)
    }
  })

  it("shardPendingLimit splits the limit", () => {
    expect(shardPendingLimit({ prefix: "cd", shards: 1 }, 500)).toBe(500)
    expect(shardPendingLimit({ prefix: "cd", shards: 16 }, 10_000)).toBe(625)
    expect(shardPendingLimit({ prefix: "cd", shards: 16 }, 8)).toBe(1)
    expect(shardPendingLimit({ prefix: "cd", shards: 16 }, 0)).toBe(0)
  })
})
