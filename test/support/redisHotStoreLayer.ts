import { Effect, Layer, Redacted } from "effect"
import { HotStoreLoss } from "../../adapters/memory/HotStoreLoss.ts"
import * as RedisHotStore from "../../adapters/redis/RedisHotStore.ts"
import type { RedisHotStoreOptions } from "../../adapters/redis/redisOptions.ts"
import type { HotStore } from "../../programs/ports/HotStore.ts"
import type { RedisServer } from "./redisServer.ts"

export type TestStoreOptions = Omit<RedisHotStoreOptions, "url">

/** Short reconnect delays, so tests that kill Redis see the client come back quickly. */
export const testDefaults: TestStoreOptions = { commandTimeoutMillis: 2_000, maxReconnectDelayMillis: 200 }

export const redisStoreLayer = (url: string, options: TestStoreOptions = {}): Layer.Layer<HotStore> =>
  RedisHotStore.layer({ ...testDefaults, ...options, url: Redacted.make(url) })

/** A Redis hot store over an emptied server, with FLUSHALL as its loss control. */
export const freshRedisStore = (
  server: RedisServer,
  options: TestStoreOptions = {}
): Layer.Layer<HotStore | HotStoreLoss> =>
  Layer.unwrapEffect(
    Effect.promise(() => server.flushAll()).pipe(
      Effect.as(
        Layer.merge(
          redisStoreLayer(server.url, options),
          Layer.succeed(HotStoreLoss, { loseEverything: Effect.promise(() => server.flushAll()) })
        )
      )
    )
  )

/** Waits `millis` of real time, which `TestClock` does not hold back. */
export const realSleep = (millis: number): Effect.Effect<void> =>
  Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, millis)))
