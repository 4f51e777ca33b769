import { Effect, Exit, Scope } from "effect"
import { afterAll, beforeAll } from "vitest"
import { type RedisServer, startRedisServer } from "./redisServer.ts"
import { type S3TestServer, startS3Server } from "./s3Server.ts"

/** A redis-server and an s3rver shared by the tests of one file. */
export interface RealServers {
  readonly redis: () => RedisServer
  readonly s3: () => S3TestServer
}

/** Starts a redis-server and an s3rver before the file's tests and stops both after them. */
export const useRealServers = (): RealServers => {
  let redis: RedisServer | undefined
  let s3: S3TestServer | undefined
  const scope = Effect.runSync(Scope.make())

  beforeAll(async () => {
    redis = await startRedisServer()
    s3 = await Effect.runPromise(Scope.extend(startS3Server(), scope))
  })

  afterAll(async () => {
    await redis?.stop()
    await Effect.runPromise(Scope.close(scope, Exit.void))
  })

  const started = <A>(server: A | undefined, name: string): A => {
    if (server === undefined) throw new Error(`${name} is not running: use it inside a test`)
    return server
  }
  return { redis: () => started(redis, "redis-server"), s3: () => started(s3, "s3rver") }
}
