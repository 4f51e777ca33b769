import { Effect, Layer, Redacted } from "effect"
import { HotStoreLoss } from "../../adapters/memory/HotStoreLoss.ts"
import * as RedisHotStore from "../../adapters/redis/RedisHotStore.ts"
import type { RedisHotStoreOptions } from "../../adapters/redis/redisOptions.ts"
import type { HotStore } from "../../programs/ports/HotStore.ts"
import type { RedisCluster } from "./redisCluster.ts"
import type { RedisServer } from "./redisServer.ts"

export type TestStoreOptions = Omit<RedisHotStoreOptions, "url" | "clusterUrl">

/** Short reconnect delays, so tests that kill Redis see the client come back quickly. */
export const testDefaults: TestStoreOptions = { commandTimeoutMillis: 2_000, maxReconnectDelayMillis: 200 }

export const redisStoreLayer = (url: string, options: TestStoreOptions = {}): Layer.Layer<HotStore> =>
  RedisHotStore.layer({ ...testDefaults, ...options, url: Redacted.make(url) })

/** Empties the store before building it, and uses the same flush as its loss control. */
const flushedStore = (flushAll: () => Promise<void>, store: Layer.Layer<HotStore>): Layer.Layer<HotStore | HotStoreLoss> =>
  Layer.unwrapEffect(
    Effect.promise(flushAll).pipe(
      Effect.as(Layer.merge(store, Layer.succeed(HotStoreLoss, { loseEverything: Effect.promise(flushAll) })))
    )
  )

/** A Redis hot store over an emptied server, with FLUSHALL as its loss control. */
export const freshRedisStore = (server: RedisServer, options: TestStoreOptions = {}): Layer.Layer<HotStore | HotStoreLoss> =>
  flushedStore(() => server.flushAll(), redisStoreLayer(server.url, options))

export const clusterStoreLayer = (clusterUrl: string, options: TestStoreOptions = {}): Layer.Layer<HotStore> =>
  RedisHotStore.layer({ ...testDefaults, ...options, clusterUrl: Redacted.make(clusterUrl) })

/** A hot store through the ioredis Cluster client over an emptied cluster, with FLUSHALL on every primary as its loss control. */
export const freshClusterStore = (cluster: RedisCluster, options: TestStoreOptions = {}): Layer.Layer<HotStore | HotStoreLoss> =>
  flushedStore(() => cluster.flushAll(), clusterStoreLayer(cluster.url, options))

/** Waits `millis` of real time, which `TestClock` does not hold back. */
export const realSleep = (millis: number): Effect.Effect<void> =>
  Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, millis)))
