import { randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import type { Redis } from "ioredis"
import {
  type KeyLayout,
  ownerKey,
  pendingKey,
  pendingKeyOf,
  pendingKeys,
  recordKey
} from "../adapters/redis/redisKeys.ts"
import { draftKeyString, type DraftKey } from "../domain/keys.ts"
import { Any, HotStore, type HotWrite } from "../programs/ports/HotStore.ts"
import { hotStoreContract } from "./contracts/hotStoreContract.ts"
import { checkClaimsAreExclusive, keyOf, letRedisTtlPass } from "./support/hotStoreChecks.ts"
import { freshRedisStore, redisStoreLayer } from "./support/redisHotStoreLayer.ts"
import { type RedisServer, startRedisServer } from "./support/redisServer.ts"

let standalone: RedisServer
let cluster: RedisServer

beforeAll(async () => {
  ;[standalone, cluster] = await Promise.all([startRedisServer(), startRedisServer({ cluster: true })])
})

afterAll(async () => {
  await Promise.all([standalone?.stop(), cluster?.stop()])
})

const letTtlPass = letRedisTtlPass

hotStoreContract("redis, one shard", {
  layer: () => freshRedisStore(standalone, { shards: 1 }),
  letTtlPass,
  shortTtlMillis: 200,
  pendingLimit: "exact"
})

// Cluster mode rejects a script whose keys span slots (CROSSSLOT), so this run also proves
// that every script touches one slot.
hotStoreContract("redis cluster node, 16 shards", {
  layer: () => freshRedisStore(cluster, { shards: 16 }),
  letTtlPass,
  shortTtlMillis: 200,
  pendingLimit: "per-shard"
})

const layout: KeyLayout = { prefix: "cd", shards: 16 }

const withClient = <A>(server: RedisServer, use: (client: Redis) => Promise<A>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => server.client()),
    (client) => Effect.promise(() => use(client)),
    (client) => Effect.sync(() => client.disconnect())
  )

const scanAll = async (client: Redis): Promise<Array<string>> => {
  const keys: Array<string> = []
  let cursor = "0"
  do {
    const [next, batch] = await client.scan(cursor, "COUNT", 500)
    keys.push(...batch)
    cursor = next
  } while (cursor !== "0")
  return keys
}

const hour = 3_600_000
const schedule = { debounceMillis: 0, maxDelayMillis: 0, limit: 10_000 }

/** Writes, settles, claims and removes in a fixed mix over a few owners; returns the last bytes written per key. */
const churn = (operations: number) =>
  Effect.gen(function* () {
    const store = yield* HotStore
    const written = new Map<string, { key: DraftKey; bytes: Buffer; etag: string }>()
    const keys = Array.from({ length: 40 }, (_, index) => keyOf(`owner-${index % 5}`, `draft-${index}`))

    for (let operation = 0; operation < operations; operation++) {
      const key = keys[operation % keys.length] as DraftKey
      const bytes = randomBytes(32 + (operation % 64))
      const etag = `"${operation}-x"`
      const pending = operation % 3 !== 0
      const write: HotWrite = {
        key,
        record: { bytes, etag, durable: !pending },
        ttlMillis: hour,
        condition: Any,
        ...(pending ? { pending: schedule } : {})
      }

      yield* store.write(write)
      written.set(draftKeyString(key), { key, bytes, etag })
      if (operation % 7 === 0) yield* store.settle(key, etag)
      if (operation % 11 === 0) yield* store.claimDue(Date.now(), 5, 60_000)
      if (operation % 13 === 0) {
        yield* store.remove(key, Any)
        written.delete(draftKeyString(key))
      }
    }
    return written
  })

describe("RedisHotStore keys", () => {
  it.effect("every draft key has a TTL after many writes", () =>
    Effect.gen(function* () {
      const written = yield* churn(400)

      const report = yield* withClient(standalone, async (client) => {
        const keys = await scanAll(client)
        const pendingSets = new Set(pendingKeys(layout))
        const withoutTtl: Array<string> = []
        for (const key of keys) {
          if (pendingSets.has(key)) continue
          const ttl = await client.pttl(key)
          if (!(ttl > 0 && ttl <= hour)) withoutTtl.push(key)
        }
        return { keys, withoutTtl }
      })

      expect(written.size).toBeGreaterThan(0)
      expect(report.keys.length).toBeGreaterThan(written.size)
      expect(report.withoutTtl).toEqual([])
    }).pipe(Effect.provide(freshRedisStore(standalone)))
  )

  it.effect("keys hold only digests and written bytes", () =>
    Effect.gen(function* () {
      const written = yield* churn(200)
      const owners = new Set(Array.from(written.values(), ({ key }) => key.owner))

      const expectedNames = new Set<string>([
        ...Array.from(written.values(), ({ key }) => recordKey(layout, key)),
        ...pendingKeys(layout),
        ...Array.from(owners, (owner) => ownerKey(layout, owner))
      ])
      const knownDrafts = new Set(Array.from(written.values(), ({ key }) => key.draft))

      yield* withClient(standalone, async (client) => {
        const keys = await scanAll(client)
        // Removed drafts may leave advisory owner index entries; every other name must be expected.
        const unexpected = keys.filter((name) => !expectedNames.has(name) && !name.startsWith("cd:owner:"))
        expect(unexpected).toEqual([])

        for (const { key, bytes, etag } of written.values()) {
          const fields = await client.hgetallBuffer(recordKey(layout, key))
          expect(Object.keys(fields).sort()).toEqual(expect.arrayContaining(["bytes", "durable", "etag"]))
          expect(Object.keys(fields).every((field) => ["bytes", "durable", "etag", "first"].includes(field))).toBe(true)
          expect(fields.bytes?.equals(bytes)).toBe(true)
          expect(fields.etag?.toString()).toBe(etag)
          expect(["0", "1"]).toContain(fields.durable?.toString())
          if (fields.first !== undefined) expect(fields.first.toString()).toMatch(/^\d+$/)
        }

        for (const owner of owners) {
          const members = await client.smembers(ownerKey(layout, owner))
          expect(members.every((draft) => /^[A-Za-z0-9_-]+$/.test(draft))).toBe(true)
          expect(members.filter((draft) => knownDrafts.has(draft)).length).toBeGreaterThan(0)
        }

        for (const name of pendingKeys(layout)) {
          const members = await client.zrange(name, 0, -1)
          expect(members.every((member) => written.has(member))).toBe(true)
        }
      })
    }).pipe(Effect.provide(freshRedisStore(standalone)))
  )

  it.effect("record and pending set of a draft share a slot", () =>
    withClient(cluster, async (client) => {
      const slotOf = async (key: string) => Number(await client.cluster("KEYSLOT", key))

      for (let index = 0; index < 200; index++) {
        const key = keyOf(`owner-${index}`, `draft-${index}`)
        expect(await slotOf(recordKey(layout, key))).toBe(await slotOf(pendingKeyOf(layout, key)))
      }

      const shardSlots = await Promise.all(pendingKeys(layout).map(slotOf))
      expect(new Set(shardSlots).size).toBe(layout.shards)
    })
  )

  it.scopedLive("two instances never claim one draft", () =>
    Effect.gen(function* () {
      yield* Effect.promise(() => standalone.flushAll())
      const first = Context.get(yield* Layer.build(redisStoreLayer(standalone.url)), HotStore)
      const second = Context.get(yield* Layer.build(redisStoreLayer(standalone.url)), HotStore)
      yield* checkClaimsAreExclusive(first, second)
    })
  )

  it.effect("flushed scripts are loaded again", () =>
    Effect.gen(function* () {
      const store = yield* HotStore
      const key = keyOf("owner", "script-flush")
      const record = { bytes: randomBytes(16), etag: `"1-a"`, durable: false }

      yield* store.write({ key, record, ttlMillis: hour, condition: Any, pending: schedule })
      yield* withClient(standalone, async (client) => void (await client.script("FLUSH")))

      const second = { ...record, etag: `"2-b"` }
      expect(yield* store.write({ key, record: second, ttlMillis: hour, condition: Any, pending: schedule })).toBe("written")
      expect(yield* store.settle(key, second.etag)).toBe(true)
    }).pipe(Effect.provide(freshRedisStore(standalone)))
  )

  it.effect("pending sets follow the shard count", () =>
    Effect.gen(function* () {
      const store = yield* HotStore
      const keys = Array.from({ length: 64 }, (_, index) => keyOf("owner", `spread-${index}`))
      for (const key of keys) {
        yield* store.write({ key, record: { bytes: randomBytes(8), etag: `"1-a"`, durable: false }, ttlMillis: hour, condition: Any, pending: schedule })
      }

      const sizes = yield* withClient(standalone, (client) =>
        Promise.all(Array.from({ length: layout.shards }, (_, shard) => client.zcard(pendingKey(layout, shard))))
      )
      expect(sizes.reduce((total, size) => total + size, 0)).toBe(keys.length)
      expect(sizes.filter((size) => size > 0).length).toBeGreaterThan(layout.shards / 2)
      expect(yield* store.pendingCount).toBe(keys.length)
    }).pipe(Effect.provide(freshRedisStore(standalone)))
  )
})
