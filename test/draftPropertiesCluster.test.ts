import { randomBytes } from "node:crypto"
import { Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll } from "vitest"
import * as S3DurableStore from "../adapters/s3/S3DurableStore.ts"
import { draftPropertySuite } from "./contracts/draftProperties.ts"
import { stackOver } from "./support/draftStack.ts"
import { type RedisCluster, startRedisCluster } from "./support/redisCluster.ts"
import { freshClusterStore } from "./support/redisHotStoreLayer.ts"
import { type S3TestServer, startS3Server } from "./support/s3Server.ts"

// The property suite of the draft programs on a real Redis Cluster (three primaries with a
// replica each) through the ioredis Cluster client, and a real S3-protocol server (s3rver).
// Losing the hot tier means FLUSHALL on every primary.

let cluster: RedisCluster
let s3: S3TestServer
const scope = Effect.runSync(Scope.make())

beforeAll(async () => {
  cluster = await startRedisCluster()
  s3 = await Effect.runPromise(Scope.extend(startS3Server(), scope))
})

afterAll(async () => {
  await cluster?.stop()
  await Effect.runPromise(Scope.close(scope, Exit.void))
})

/** Every stack gets its own S3 key prefix, so runs never see each other's drafts. */
const freshS3 = () =>
  Layer.suspend(() => S3DurableStore.layer({ ...s3.settings, prefix: `cluster-properties-${randomBytes(6).toString("hex")}` }))

// Redis expires keys on its own clock, which TestClock cannot move. So the clock moves stay
// short of a draft's expiry here, and the memory run covers expiry.
draftPropertySuite(
  "draft programs on Redis Cluster (FLUSHALL) and S3",
  stackOver({
    hot: Layer.unwrapEffect(Effect.sync(() => freshClusterStore(cluster))),
    durable: Layer.unwrapEffect(Effect.sync(freshS3))
  }),
  { numRuns: 12, maxCommands: 25, clockMovesPastExpiry: false }
)
