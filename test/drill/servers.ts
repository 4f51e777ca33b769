import { Effect, type Scope } from "effect"
import { kmsServer, type KmsTestServer, type TestKmsKey } from "../support/kmsServer.ts"
import { type RedisServer, startRedisServer } from "../support/redisServer.ts"
import { startS3Server, type S3TestServer } from "../support/s3Server.ts"

/** The three servers a drill scenario runs against, each on a free loopback port. */
export interface DrillServers {
  readonly redis: RedisServer
  readonly s3: S3TestServer
  readonly kms: KmsTestServer
  /** The key that wraps every data key of the scenario. */
  readonly kmsKey: TestKmsKey
}

/**
 * Starts redis-server, s3rver and the test KMS server with temporary directories. The scope
 * stops them and removes the directories, on success, failure and interruption alike.
 */
export const startServers: Effect.Effect<DrillServers, never, Scope.Scope> = Effect.gen(function* () {
  const redis = yield* Effect.acquireRelease(
    Effect.promise(() => startRedisServer()),
    (server) => Effect.promise(() => server.stop())
  )
  const s3 = yield* startS3Server({ bucket: "claim-drafts-drill" })
  const kms = yield* kmsServer
  const kmsKey = kms.createKey({ description: "claim-drafts drill" })

  return { redis, s3, kms, kmsKey }
})
