import { Duration, Effect, type Scope } from "effect"
import { spawnPersister } from "./persisterProcess.ts"
import type { DrillServers } from "./servers.ts"
import type { DrillTimings, StackEndpoints } from "./stack.ts"

/** The parts of its scenario that a fault can use. */
export interface FaultContext {
  readonly servers: DrillServers
  readonly endpoints: StackEndpoints
  readonly timings: DrillTimings
  /** Records what happened, stamped with the time since the workload started. */
  readonly note: (text: string) => Effect.Effect<void>
  /** Starts another instance that runs the write-behind loop until the scenario ends. */
  readonly startPersistingInstance: Effect.Effect<void>
}

export interface Scenario {
  readonly name: string
  /** One sentence for the table's notes and docs/drills.md. */
  readonly summary: string
  /** Instances that serve the claimants' requests, each picked at random per request. */
  readonly servingInstances: number
  /** Whether the serving instances run the write-behind loop. */
  readonly servingLoop: boolean
  /**
   * Prepares the fault before the workload starts (a child process, say) and returns the
   * effect that injects it and restores service, which then runs beside the workload.
   */
  readonly prepare: (context: FaultContext) => Effect.Effect<Effect.Effect<void, Error>, Error, Scope.Scope>
}

const after = (millis: number) => Effect.sleep(Duration.millis(millis))

/** S3 puts of the persisting child wait this long, so the kill finds persists in flight. */
const childPutDelayMillis = 1_500

export const baseline: Scenario = {
  name: "baseline",
  summary: "No fault: one instance serves the claimants and runs the write-behind loop.",
  servingInstances: 1,
  servingLoop: true,
  prepare: () => Effect.succeed(Effect.void)
}

export const redisKilled: Scenario = {
  name: "redis-killed",
  summary: "redis-server is SIGKILLed 2 s into the workload and restarted empty on the same port 1.5 s later.",
  servingInstances: 1,
  servingLoop: true,
  prepare: ({ note, servers }) =>
    Effect.succeed(
      Effect.gen(function* () {
        yield* after(2_000)
        yield* Effect.promise(() => servers.redis.kill())
        yield* note("redis-server SIGKILLed")
        yield* after(1_500)
        yield* Effect.promise(() => servers.redis.restart())
        yield* note("redis-server restarted, empty")
      })
    )
}

export const redisFlushed: Scenario = {
  name: "redis-flushed",
  summary: "FLUSHALL 1.5 s and again 3.5 s into the workload: the hot tier loses everything twice while serving.",
  servingInstances: 1,
  servingLoop: true,
  prepare: ({ note, servers }) =>
    Effect.succeed(
      Effect.gen(function* () {
        yield* after(1_500)
        yield* Effect.promise(() => servers.redis.flushAll())
        yield* note("FLUSHALL")
        yield* after(2_000)
        yield* Effect.promise(() => servers.redis.flushAll())
        yield* note("FLUSHALL")
      })
    )
}

export const s3Down: Scenario = {
  name: "s3-down",
  summary: "s3rver stops 1.5 s into the workload (connections refused) and starts again on the same port 3.5 s later.",
  servingInstances: 1,
  servingLoop: true,
  prepare: ({ note, servers }) =>
    Effect.succeed(
      Effect.gen(function* () {
        yield* after(1_500)
        yield* servers.s3.stop
        yield* note("s3rver stopped")
        yield* after(3_500)
        yield* servers.s3.start
        yield* note("s3rver listening again")
      })
    )
}

export const kmsThrottled: Scenario = {
  name: "kms-throttled",
  summary: "The KMS answers every request with ThrottlingException from 1.5 s to 4.5 s into the workload.",
  servingInstances: 1,
  servingLoop: true,
  prepare: ({ note, servers }) =>
    Effect.succeed(
      Effect.gen(function* () {
        yield* after(1_500)
        const before = servers.kms.count("GenerateDataKey") + servers.kms.count("Decrypt")
        servers.kms.throttleNext(Number.MAX_SAFE_INTEGER)
        yield* note("KMS throttling every request")
        yield* after(3_000)
        servers.kms.throttleNext(0)
        const throttled = servers.kms.count("GenerateDataKey") + servers.kms.count("Decrypt") - before
        yield* note(`KMS answering again; ${throttled} requests were throttled`)
      })
    )
}

export const persisterKilled: Scenario = {
  name: "persister-killed",
  summary:
    "A child process runs the only write-behind loop, with S3 puts slowed to 1.5 s; it is SIGKILLed while it holds claims, then another instance starts its loop and must take the drafts over once the lease runs out.",
  servingInstances: 1,
  servingLoop: false,
  prepare: ({ endpoints, note, startPersistingInstance, timings }) =>
    Effect.map(spawnPersister({ endpoints, timings, putDelayMillis: childPutDelayMillis }), (child) =>
      Effect.gen(function* () {
        yield* child.claimsAfter(Date.now() + 1_500)
        yield* after(200)

        // A claim lasts at least as long as its put waits, so every claim of that window is still held.
        const heldClaims = child.claimedSince(Date.now() - childPutDelayMillis)
        yield* child.kill
        yield* note(`persisting child SIGKILLed while holding at least ${heldClaims} claims, their puts in flight`)

        yield* startPersistingInstance
        yield* note("another instance runs the write-behind loop")
      })
    )
}

export const twoInstances: Scenario = {
  name: "two-instances",
  summary: "Two instances over the same Redis and S3 both serve requests and both run the write-behind loop.",
  servingInstances: 2,
  servingLoop: true,
  prepare: () => Effect.succeed(Effect.void)
}

export const scenarios: ReadonlyArray<Scenario> = [
  baseline,
  redisKilled,
  redisFlushed,
  s3Down,
  kmsThrottled,
  persisterKilled,
  twoInstances
]
