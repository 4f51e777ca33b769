import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Redacted } from "effect"
import { redisHotStoreConfig } from "../adapters/redis/redisConfig.ts"
import { shardOf, shardPendingLimit } from "../adapters/redis/redisKeys.ts"
import { clientOptions, clusterOptions } from "../adapters/redis/clientOptions.ts"
import { isStandalone, type RedisHotStoreOptions, resolveOptions } from "../adapters/redis/redisOptions.ts"
import { parseClusterUrl, parseRedisUrl } from "../adapters/redis/redisTargets.ts"

// A syntactically valid PEM block: these tests check where the text goes, not the certificate.
const caPem = "-----BEGIN CERTIFICATE-----\nTUlJQg==\n-----END CERTIFICATE-----\n"
// Shaped like a PKCS #8 key; only the PEM check reads it.
const keyPem = "-----BEGIN PRIVATE KEY-----\nTUlJQg==\n-----END PRIVATE KEY-----\n"
const caDirectory = mkdtempSync(join(tmpdir(), "claim-drafts-ca-"))
const caFile = join(caDirectory, "ca.pem")
const notPemFile = join(caDirectory, "not-pem.txt")
writeFileSync(caFile, caPem)
writeFileSync(notPemFile, "plain text\n")
afterAll(() => rmSync(caDirectory, { recursive: true, force: true }))

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

describe("parseClusterUrl", () => {
  it("reads seed nodes and credentials", () => {
    const target = Either.getOrThrow(parseClusterUrl("rediss://app:p%40ss@node-a.internal:7000, 10.0.0.2:7001,[::1]:7002,node-d"))

    expect(target.tls).toBe(true)
    expect(target.username).toBe("app")
    expect(target.password).toBeDefined()
    expect(Redacted.value(target.password!)).toBe("p@ss")
    expect(target.nodes).toEqual([
      { host: "node-a.internal", port: 7000 },
      { host: "10.0.0.2", port: 7001 },
      { host: "::1", port: 7002 },
      { host: "node-d", port: 6379 }
    ])
  })

  it("reads a password without a user name", () => {
    const target = Either.getOrThrow(parseClusterUrl("redis://:secret@127.0.0.1:7000/"))

    expect(target.tls).toBe(false)
    expect(target.username).toBeUndefined()
    expect(Redacted.value(target.password!)).toBe("secret")
  })

  it("rejects databases, queries, empty nodes and bad ports", () => {
    for (const url of [
      "redis://127.0.0.1:7000/1",
      "redis://127.0.0.1:7000?tls=1",
      "redis://127.0.0.1:7000,,127.0.0.1:7001",
      "redis://127.0.0.1:70000",
      "redis://127.0.0.1:0",
      "redis://127.0.0.1:7000/extra,127.0.0.1:7001",
      "http://127.0.0.1:7000",
      "redis://"
    ]) {
      expect(Either.isLeft(parseClusterUrl(url)), url).toBe(true)
    }
  })

  it("rule never contains the URL", () => {
    const rule = Either.getLeft(parseClusterUrl("redis://:hunter2-secret@127.0.0.1:7000/5"))
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
    expect(invalidOption({})).toBe("url")
    expect(invalidOption({ url, clusterUrl: Redacted.make("redis://127.0.0.1:7000") })).toBe("clusterUrl")
    expect(invalidOption({ url, tlsCa: caPem })).toBe("tlsCa")
    expect(invalidOption({ url: Redacted.make("rediss://127.0.0.1"), tlsCa: "not a certificate" })).toBe("tlsCa")
  })

  it("checks the client certificate and key", () => {
    const tlsUrl = Redacted.make("rediss://127.0.0.1")
    const tlsKey = Redacted.make(keyPem)

    expect(invalidOption({ url: tlsUrl, tlsCert: caPem })).toBe("tlsKey")
    expect(invalidOption({ url: tlsUrl, tlsKey })).toBe("tlsCert")
    expect(invalidOption({ url, tlsCert: caPem, tlsKey })).toBe("tlsCert")
    expect(invalidOption({ url: tlsUrl, tlsCert: "not a certificate", tlsKey })).toBe("tlsCert")
    expect(invalidOption({ url: tlsUrl, tlsCert: caPem, tlsKey: Redacted.make("not a key") })).toBe("tlsKey")
    expect(invalidOption({ url: tlsUrl, tlsCert: caPem, tlsKey })).toBeUndefined()
  })
})

describe("clientOptions", () => {
  const resolved = (url: string) => {
    const options = Either.getOrThrow(resolveOptions({ url: Redacted.make(url) }))
    if (!isStandalone(options)) throw new Error("expected a single-endpoint target")
    return options
  }

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

  it("trusts the configured CA", () => {
    const options = Either.getOrThrow(resolveOptions({ url: Redacted.make("rediss://cache.internal"), tlsCa: caPem }))
    if (!isStandalone(options)) throw new Error("expected a single-endpoint target")
    expect(clientOptions(options).tls).toEqual({ servername: "cache.internal", ca: caPem })
  })

  it("enables TLS with the host name for rediss", () => {
    expect(clientOptions(resolved("rediss://cache.internal:6380")).tls).toEqual({ servername: "cache.internal" })
    expect(clientOptions(resolved("rediss://10.0.0.5")).tls).toEqual({})
    expect(clientOptions(resolved("redis://cache.internal")).tls).toBeUndefined()
  })
})

describe("clusterOptions", () => {
  const resolved = (clusterUrl: string, tlsCa?: string) => {
    const options = Either.getOrThrow(
      resolveOptions({ clusterUrl: Redacted.make(clusterUrl), ...(tlsCa === undefined ? {} : { tlsCa }) })
    )
    if (options.target._tag !== "Cluster") throw new Error("expected a cluster target")
    return { ...options, target: options.target }
  }

  it("bounds every request", () => {
    const options = clusterOptions(resolved("redis://:secret@127.0.0.1:7000"))
    expect(options.enableOfflineQueue).toBe(false)
    expect(options.redisOptions?.commandTimeout).toBe(1_000)
    expect(options.redisOptions?.maxRetriesPerRequest).toBe(1)
    expect(options.redisOptions?.password).toBe("secret")
    expect(options.scaleReads).toBe("master")
    expect(options.maxRedirections).toBe(16)
    expect(options.clusterRetryStrategy?.(1_000)).toBe(2_000)
    expect(options.redisOptions?.tls).toBeUndefined()
  })

  it("enables TLS with the CA for rediss", () => {
    expect(clusterOptions(resolved("rediss://node-a:7000", caPem)).redisOptions?.tls).toEqual({ ca: caPem })
    expect(clusterOptions(resolved("rediss://node-a:7000")).redisOptions?.tls).toEqual({})
  })
})

describe("redisHotStoreConfig", () => {
  it.effect("reads REDIS_* variables", () =>
    Effect.gen(function* () {
      const options = yield* redisHotStoreConfig
      expect(options.target._tag).toBe("Standalone")
      if (isStandalone(options)) expect(options.target.port).toBe(6391)
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

  it.effect("requires REDIS_URL or REDIS_CLUSTER_URL", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(redisHotStoreConfig)
      expect(String(error)).toContain("Set exactly one of REDIS_URL")
      expect(String(error)).toContain("REDIS_CLUSTER_URL")
    }).pipe(withEnvironment({}))
  )

  it.effect("rejects both REDIS_URL and REDIS_CLUSTER_URL", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(redisHotStoreConfig)
      expect(String(error)).toContain("Set exactly one of REDIS_URL (one endpoint) and REDIS_CLUSTER_URL")
      expect(String(error)).not.toContain("hunter2-secret")
    }).pipe(
      withEnvironment({
        REDIS_URL: "redis://:hunter2-secret@127.0.0.1:6391",
        REDIS_CLUSTER_URL: "redis://:hunter2-secret@127.0.0.1:7000,127.0.0.1:7001"
      })
    )
  )

  it.effect("reads REDIS_CLUSTER_URL", () =>
    Effect.gen(function* () {
      const options = yield* redisHotStoreConfig
      expect(options.target._tag).toBe("Cluster")
      if (options.target._tag !== "Cluster") return
      expect(options.target.nodes).toEqual([
        { host: "127.0.0.1", port: 7000 },
        { host: "127.0.0.1", port: 7001 }
      ])
      expect(options.layout.shards).toBe(48)
    }).pipe(withEnvironment({ REDIS_CLUSTER_URL: "redis://127.0.0.1:7000,127.0.0.1:7001", REDIS_PENDING_SHARDS: "48" }))
  )

  it.effect("names REDIS_CLUSTER_URL and hides it", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(redisHotStoreConfig)
      expect(String(error)).toContain("REDIS_CLUSTER_URL is invalid: it must be redis://")
      expect(String(error)).not.toContain("hunter2-secret")
    }).pipe(withEnvironment({ REDIS_CLUSTER_URL: "redis://:hunter2-secret@127.0.0.1:7000/2" }))
  )

  it.effect("rejects a CA file with redis://", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(redisHotStoreConfig)
      expect(String(error)).toContain("REDIS_TLS_CA_FILE is invalid: it must be unset unless the URL starts with rediss://")
    }).pipe(withEnvironment({ REDIS_URL: "redis://127.0.0.1:6391", REDIS_TLS_CA_FILE: caFile }))
  )

  it.effect("reads the CA file for rediss://", () =>
    Effect.gen(function* () {
      const options = yield* redisHotStoreConfig
      expect(options.tlsCa).toBe(caPem)
    }).pipe(withEnvironment({ REDIS_URL: "rediss://127.0.0.1:6391", REDIS_TLS_CA_FILE: caFile }))
  )

  it.effect("names a missing CA file", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(redisHotStoreConfig)
      expect(String(error)).toContain("REDIS_TLS_CA_FILE is invalid")
      expect(String(error)).toContain("ENOENT")
      expect(String(error)).toContain("readable PEM file")
    }).pipe(withEnvironment({ REDIS_URL: "rediss://127.0.0.1:6391", REDIS_TLS_CA_FILE: join(caDirectory, "missing.pem") }))
  )

  it.effect("rejects a key file without a key", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(redisHotStoreConfig)
      expect(String(error)).toContain("REDIS_TLS_KEY_FILE is invalid: it must name a file of PEM text")
      expect(String(error)).not.toContain("plain text")
    }).pipe(
      withEnvironment({ REDIS_URL: "rediss://127.0.0.1:6391", REDIS_TLS_CERT_FILE: caFile, REDIS_TLS_KEY_FILE: notPemFile })
    )
  )

  it.effect("requires the key with the certificate", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(redisHotStoreConfig)
      expect(String(error)).toContain("REDIS_TLS_KEY_FILE is invalid: it must be set together with the client certificate")
    }).pipe(withEnvironment({ REDIS_URL: "rediss://127.0.0.1:6391", REDIS_TLS_CERT_FILE: caFile }))
  )

  it.effect("rejects a CA file without certificates", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(redisHotStoreConfig)
      expect(String(error)).toContain("REDIS_TLS_CA_FILE is invalid: it must name a file of PEM text")
    }).pipe(withEnvironment({ REDIS_URL: "rediss://127.0.0.1:6391", REDIS_TLS_CA_FILE: notPemFile }))
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
