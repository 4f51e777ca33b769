import { randomBytes } from "node:crypto"
import { Effect, Option, Redacted, type Scope } from "effect"
import type { SecretsShape } from "../../programs/ports/Secrets.ts"
import { kmsServer, type KmsTestServer, type TestKmsKey } from "../support/kmsServer.ts"
import { type RedisServer, startRedisServer } from "../support/redisServer.ts"
import { fakeCredentials, startS3Server, type S3TestServer } from "../support/s3Server.ts"

/** The path the Redis test server starts (test/support/redisServer.ts). */
export const redisServerPath = "/usr/bin/redis-server"

/**
 * What one deployment shares: a redis-server, an s3rver and a test KMS server, all on
 * 127.0.0.1 ports of their own, and the secrets every instance of the service holds.
 */
export interface BenchEnvironment {
  readonly redis: RedisServer
  readonly s3: S3TestServer
  readonly kms: KmsTestServer
  readonly kmsKey: TestKmsKey
  readonly secrets: SecretsShape
  /** Raw bytes of `secrets.tokenSigningSecret`, for signing the HTTP benchmark's tokens. */
  readonly tokenSecret: Uint8Array
  readonly awsCredentials: typeof fakeCredentials
}

/** Starts the servers; the scope stops every one of them and removes their directories, on every exit path. */
export const startEnvironment: Effect.Effect<BenchEnvironment, never, Scope.Scope> = Effect.gen(function* () {
  const redis = yield* Effect.acquireRelease(
    Effect.promise(() => startRedisServer()),
    (server) => Effect.promise(() => server.stop())
  )
  const s3 = yield* startS3Server({ bucket: "claim-drafts-bench" })
  const kms = yield* kmsServer
  const kmsKey = kms.createKey({ description: "claim-drafts benchmark key" })

  const tokenSecret = new Uint8Array(randomBytes(32))
  const secrets: SecretsShape = {
    storageKeySecret: Redacted.make(new Uint8Array(randomBytes(32))),
    tokenSigningSecret: Option.some(Redacted.make(tokenSecret))
  }
  return { redis, s3, kms, kmsKey, secrets, tokenSecret, awsCredentials: fakeCredentials }
})
