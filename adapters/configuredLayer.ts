import { Config, Effect, Layer, Option } from "effect"
import { Drafts } from "../programs/Drafts.ts"
import { DraftsConfig } from "../programs/DraftsConfig.ts"
import * as FileDurableStore from "./filesystem/FileDurableStore.ts"
import * as keyServices from "./keyServices.ts"
import * as MemoryHotStore from "./memory/MemoryHotStore.ts"
import * as monitoredPorts from "./monitoring/monitoredPorts.ts"
import { TierHealth } from "./monitoring/TierHealth.ts"
import * as RedisHotStore from "./redis/RedisHotStore.ts"
import * as S3DurableStore from "./s3/S3DurableStore.ts"

/** The adapters the environment selects; each tier falls back to its embedded default. */
export const selection = Config.all({
  redis: Config.all([Config.option(Config.string("REDIS_URL")), Config.option(Config.string("REDIS_CLUSTER_URL"))]).pipe(
    Config.map((urls) => urls.some(Option.isSome))
  ),
  redisCluster: Config.option(Config.string("REDIS_CLUSTER_URL")).pipe(Config.map(Option.isSome)),
  s3: Config.option(Config.string("CLAIM_DRAFTS_S3_BUCKET")).pipe(Config.map(Option.isSome))
})

const hotStoreLayer = Layer.unwrapEffect(
  Effect.map(selection, ({ redis }) => (redis ? RedisHotStore.layerConfig : MemoryHotStore.layer))
)

const durableStoreLayer = Layer.unwrapEffect(
  Effect.map(selection, ({ s3 }) => (s3 ? S3DurableStore.layerConfig : FileDurableStore.layerConfig))
)

/**
 * The ports as the environment configures them: Redis, S3 and KMS where their variables are
 * set, else the embedded default (in-memory hot tier, filesystem durable tier, local keyring).
 * Every call feeds `TierHealth`, which logs and counts degraded tiers.
 */
export const portsLayer = monitoredPorts.layer.pipe(
  Layer.provideMerge(Layer.mergeAll(hotStoreLayer, durableStoreLayer, keyServices.layerConfig, DraftsConfig.layerConfig)),
  Layer.provideMerge(TierHealth.layer)
)

/** `Drafts` over the configured ports, with the ports and settings exposed for driving adapters. */
export const layer = Drafts.layer.pipe(Layer.provideMerge(portsLayer))

/** A one-line description of the selected adapters for startup logs; it contains no secret. */
const hotTierName = (redis: boolean, redisCluster: boolean): string => {
  if (redisCluster) return "Redis Cluster"
  return redis ? "Redis" : "in-memory"
}

export const describeSelection = Effect.map(
  selection,
  ({ redis, redisCluster, s3 }) => `hot tier: ${hotTierName(redis, redisCluster)}, durable tier: ${s3 ? "S3" : "filesystem"}`
)
