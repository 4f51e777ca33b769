import { randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { type KeyLayout, pendingKeys } from "../adapters/redis/redisKeys.ts"
import type { StoreUnavailable } from "../domain/errors.ts"
import { draftKeyString } from "../domain/keys.ts"
import { Any, HotStore } from "../programs/ports/HotStore.ts"
import { hotStoreContract } from "./contracts/hotStoreContract.ts"
import { type RedisCluster, startRedisCluster } from "./support/redisCluster.ts"
import { freeLoopbackPort } from "./support/redisServer.ts"
import { checkClaimsAreExclusive, keyOf, letRedisTtlPass } from "./support/hotStoreChecks.ts"
import { clusterStoreLayer, freshClusterStore } from "./support/redisHotStoreLayer.ts"

// The hot store through the ioredis Cluster client on a real cluster of three primaries,
// each with a replica. A draft's shard and its owner index usually live on different primaries.

let cluster: RedisCluster

beforeAll(async () => {
  cluster = await startRedisCluster()
})

afterAll(async () => {
  await cluster?.stop()
})

hotStoreContract("redis cluster client, 3 primaries, 16 shards", {
  layer: () => freshClusterStore(cluster, { shards: 16 }),
  letTtlPass: letRedisTtlPass,
  shortTtlMillis: 200,
  pendingLimit: "per-shard"
})

const layout: KeyLayout = { prefix: "cd", shards: 16 }
const hour = 3_600_000
const schedule = { debounceMillis: 0, maxDelayMillis: 0, limit: 10_000 }

const keySlot = (key: string) =>
  Effect.promise(async () => {
    const client = cluster.nodes[0]!.client()
    try {
      return Number(await client.cluster("KEYSLOT", key))
    } finally {
      client.disconnect()
    }
  })

describe("RedisHotStore on Redis Cluster", () => {
  it.effect("pending shards spread over every primary", () =>
    Effect.gen(function* () {
      const slots = yield* Effect.forEach(pendingKeys(layout), keySlot)
      const owners = yield* Effect.promise(() => Promise.all(slots.map((slot) => cluster.primaryOfSlot(slot))))
      const primaries = yield* Effect.promise(() => cluster.primaryPorts())

      expect(primaries).toHaveLength(3)
      expect(new Set(owners)).toEqual(new Set(primaries))
    })
  )

  it.effect("queue calls span every node", () =>
    Effect.gen(function* () {
      const store = yield* HotStore
      const owner = keyOf("owner", "-").owner
      const keys = Array.from({ length: 64 }, (_, index) => keyOf("owner", `spread-${index}`))
      for (const key of keys) {
        const record = { bytes: randomBytes(16), etag: `"1-a"`, durable: false }
        expect(yield* store.write({ key, record, ttlMillis: hour, condition: Any, pending: schedule })).toBe("written")
      }

      expect(yield* store.pendingCount).toBe(keys.length)

      const listed = (yield* store.ownerKeys(owner)).map(draftKeyString).sort()
      expect(listed).toEqual(keys.map(draftKeyString).sort())

      const claimed = (yield* store.claimDue(Date.now() + 1_000, keys.length, 60_000)).map(draftKeyString)
      expect(new Set(claimed).size).toBe(keys.length)
      expect(new Set(claimed)).toEqual(new Set(keys.map(draftKeyString)))

      for (const key of keys) expect(yield* store.settle(key, `"1-a"`)).toBe(true)
      expect(yield* store.pendingCount).toBe(0)
    }).pipe(Effect.provide(freshClusterStore(cluster)))
  )

  it.scopedLive("unreachable cluster fails calls", () =>
    Effect.gen(function* () {
      const ports = yield* Effect.promise(() => Promise.all([freeLoopbackPort(), freeLoopbackPort()]))
      const url = `redis://${ports.map((port) => `127.0.0.1:${port}`).join(",")}`
      const store = Context.get(yield* Layer.build(clusterStoreLayer(url, { commandTimeoutMillis: 500, connectTimeoutMillis: 500 })), HotStore)
      const key = keyOf("owner", "unreachable")
      const record = { bytes: randomBytes(8), etag: `"1-a"`, durable: false }

      // The timeout only turns a hung call into a test failure; the assertion is on the error.
      const bounded = <A>(call: Effect.Effect<A, StoreUnavailable>) =>
        Effect.flip(call.pipe(Effect.timeoutFail({ duration: 10_000, onTimeout: () => "hung" as const })))

      const writeError = yield* bounded(store.write({ key, record, ttlMillis: hour, condition: Any, pending: schedule }))
      const countError = yield* bounded(store.pendingCount)

      expect(writeError).not.toBe("hung")
      expect(countError).not.toBe("hung")
      if (writeError !== "hung") expect(writeError.method).toBe("write")
      if (countError !== "hung") expect(countError.method).toBe("pendingCount")
    })
  )

  it.scopedLive("two instances never claim one draft", () =>
    Effect.gen(function* () {
      yield* Effect.promise(() => cluster.flushAll())
      const first = Context.get(yield* Layer.build(clusterStoreLayer(cluster.url)), HotStore)
      const second = Context.get(yield* Layer.build(clusterStoreLayer(cluster.url)), HotStore)
      yield* checkClaimsAreExclusive(first, second)
    })
  )
})
