import { randomBytes } from "node:crypto"
import { Effect, Layer } from "effect"
import { HotStoreLoss } from "../adapters/memory/HotStoreLoss.ts"
import * as S3DurableStore from "../adapters/s3/S3DurableStore.ts"
import { draftPropertySuite } from "./contracts/draftProperties.ts"
import { stackOver } from "./support/draftStack.ts"
import { redisStoreLayer } from "./support/redisHotStoreLayer.ts"
import { useRealServers } from "./support/realServers.ts"

// The property suite of the draft programs on the production adapters: a real redis-server
// and a real S3-protocol server (s3rver) through ioredis and @aws-sdk/client-s3. Losing the
// hot tier means FLUSHALL in one run and SIGKILL plus a restart in the other.

const servers = useRealServers()

/** Every stack gets an emptied Redis and its own S3 key prefix, so runs never see each other's drafts. */
const freshS3 = () =>
  Layer.suspend(() => S3DurableStore.layer({ ...servers.s3().settings, prefix: `properties-${randomBytes(6).toString("hex")}` }))

const flushedRedis = Layer.unwrapEffect(
  Effect.promise(() => servers.redis().flushAll()).pipe(
    Effect.as(
      Layer.merge(
        Layer.suspend(() => redisStoreLayer(servers.redis().url)),
        Layer.succeed(HotStoreLoss, { loseEverything: Effect.promise(() => servers.redis().flushAll()) })
      )
    )
  )
)

const killedRedis = Layer.unwrapEffect(
  Effect.promise(() => servers.redis().flushAll()).pipe(
    Effect.as(
      Layer.merge(
        Layer.suspend(() => redisStoreLayer(servers.redis().url)),
        Layer.succeed(HotStoreLoss, {
          loseEverything: Effect.promise(async () => {
            await servers.redis().kill()
            await servers.redis().restart()
          })
        })
      )
    )
  )
)

// Redis expires keys on its own clock, which TestClock cannot move, so the clock moves stay
// short of a draft's expiry here; the memory run covers expiry.
const realServerOptions = { numRuns: 12, maxCommands: 25, clockMovesPastExpiry: false }

draftPropertySuite(
  "draft programs on Redis (FLUSHALL) and S3",
  stackOver({ hot: flushedRedis, durable: Layer.unwrapEffect(Effect.sync(freshS3)) }),
  realServerOptions
)

draftPropertySuite(
  "draft programs on Redis (SIGKILL) and S3",
  stackOver({ hot: killedRedis, durable: Layer.unwrapEffect(Effect.sync(freshS3)) }),
  realServerOptions
)
