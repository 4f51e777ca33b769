import { Clock, type ConfigError, Effect, Either, Layer, Option, type Scope } from "effect"
import { StoreUnavailable } from "../../domain/errors.ts"
import type { DraftKey } from "../../domain/keys.ts"
import {
  HotStore,
  type HotStoreShape,
  type PendingSchedule,
  type WriteCondition,
  type WriteOutcome
} from "../../programs/ports/HotStore.ts"
import { type HotStoreClient, makeClient } from "./redisClient.ts"
import { redisHotStoreConfig } from "./redisConfig.ts"
import {
  isDigest,
  type KeyLayout,
  ownerKey,
  parsePendingMember,
  pendingKeyOf,
  pendingKeys,
  pendingMember,
  recordKey,
  shardPendingLimit
} from "./redisKeys.ts"
import { type RedisHotStoreOptions, resolveOptions, type ResolvedOptions } from "./redisOptions.ts"

/** Redis failovers and restarts take seconds; ask clients to wait about that long. */
const retryAfterSeconds = 1

/**
 * Keeps the name and message of a client error and drops everything else: ioredis attaches
 * the command and its arguments to reply errors, and those arguments hold record bytes.
 */
const sanitized = (error: unknown): Error => {
  const copy = new Error(error instanceof Error ? error.message : "the Redis client rejected with a non-error value")
  copy.name = error instanceof Error ? error.name : "UnknownError"
  return copy
}

const call = <A>(method: string, run: () => Promise<A>): Effect.Effect<A, StoreUnavailable> =>
  Effect.tryPromise({
    try: run,
    catch: (error) => new StoreUnavailable({ tier: "hot", method, retryAfterSeconds, cause: sanitized(error) })
  })

/** Keys come from programs/StorageKeys digests; anything else would break the key layout. */
const invalidKey = Effect.dieMessage("DraftKey is invalid: owner and draft must be base64url digests.")

const checkedKey = (key: DraftKey): Effect.Effect<DraftKey> =>
  isDigest(key.owner) && isDigest(key.draft) ? Effect.succeed(key) : invalidKey

/** Every record must expire; `PEXPIRE` takes whole milliseconds, so the TTL is rounded up. */
const invalidTtl = Effect.dieMessage("HotWrite.ttlMillis is invalid: it must be a positive finite number of milliseconds.")

const isFiniteAtLeast = (value: number, min: number) => Number.isFinite(value) && value >= min

const validSchedule = (schedule: PendingSchedule): boolean =>
  isFiniteAtLeast(schedule.debounceMillis, 0) && isFiniteAtLeast(schedule.maxDelayMillis, 0) && Number.isFinite(schedule.limit)

const invalidSchedule = Effect.dieMessage(
  "PendingSchedule is invalid: debounceMillis, maxDelayMillis and limit must be finite and not negative."
)

const conditionArguments = (condition: WriteCondition): [string, string] => {
  switch (condition._tag) {
    case "Absent":
      return ["absent", ""]
    case "Match":
      return ["match", condition.etag]
    case "Any":
      return ["any", ""]
  }
}

const writeOutcome = (reply: string): Effect.Effect<WriteOutcome> =>
  reply === "written" || reply === "conflict" || reply === "pending-full"
    ? Effect.succeed(reply)
    : Effect.dieMessage("The hot store write script returned an unknown outcome.")

/** Views the bytes as a Buffer without copying, so ioredis sends them as binary. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

interface Candidate {
  readonly key: DraftKey
  readonly member: string
  readonly due: number
}

/** Reads ZRANGEBYSCORE ... WITHSCORES replies: member, score, member, score. */
const candidatesOf = (reply: ReadonlyArray<string>): Array<Candidate> => {
  const candidates: Array<Candidate> = []
  for (let index = 0; index + 1 < reply.length; index += 2) {
    const member = reply[index] as string
    const key = parsePendingMember(member)
    if (key !== undefined && isDigest(key.owner) && isDigest(key.draft)) {
      candidates.push({ key, member, due: Number(reply[index + 1]) })
    }
  }
  return candidates
}

/**
 * Builds the hot store over a client that has the scripts defined (see redisClient.ts).
 * Times passed to scripts come from Effect's `Clock`, as `claimDue`'s `now` does, so due
 * times are consistent across instances whose clocks agree; TTLs run on the Redis clock.
 */
export const fromClient = (client: HotStoreClient, layout: KeyLayout): HotStoreShape => ({
  get: (key) =>
    Effect.flatMap(checkedKey(key), () =>
      call("get", () => client.hmgetBuffer(recordKey(layout, key), "bytes", "etag", "durable"))
    ).pipe(
      Effect.map(([bytes, etag, durable]) =>
        bytes == null || etag == null
          ? Option.none()
          : Option.some({ bytes, etag: etag.toString("utf8"), durable: durable?.toString("utf8") === "1" })
      )
    ),

  // Plain checks and one `call`: this runs on every save, where each extra Effect step shows.
  write: (write) => {
    const { key, pending: schedule } = write
    if (!isDigest(key.owner) || !isDigest(key.draft)) return invalidKey
    if (!(Number.isFinite(write.ttlMillis) && write.ttlMillis > 0)) return invalidTtl
    if (schedule !== undefined && !validSchedule(schedule)) return invalidSchedule

    const ttlMillis = String(Math.ceil(write.ttlMillis))
    const [condition, expected] = conditionArguments(write.condition)
    return Effect.flatMap(Clock.currentTimeMillis, (now) =>
      call("write", () => {
        // The owner index goes first, so a lost connection leaves at most an extra index entry.
        const indexed = client.hotIndexOwner(ownerKey(layout, key.owner), key.draft, ttlMillis)
        const written = client.hotWriteRecord(
          recordKey(layout, key),
          pendingKeyOf(layout, key),
          condition,
          expected,
          asBuffer(write.record.bytes),
          write.record.etag,
          write.record.durable ? "1" : "0",
          ttlMillis,
          schedule === undefined ? "0" : "1",
          String(Math.floor(now)),
          String(Math.ceil(schedule?.debounceMillis ?? 0)),
          String(Math.ceil(schedule?.maxDelayMillis ?? 0)),
          String(shardPendingLimit(layout, schedule?.limit ?? 0)),
          pendingMember(key)
        )
        return Promise.all([written, indexed]).then(([outcome]) => outcome)
      })
    ).pipe(Effect.flatMap(writeOutcome))
  },

  remove: (key, condition) =>
    Effect.flatMap(checkedKey(key), () => {
      const [tag, expected] = conditionArguments(condition)
      return call("remove", () =>
        client.hotRemoveRecord(recordKey(layout, key), pendingKeyOf(layout, key), tag, expected, pendingMember(key))
      )
    }).pipe(Effect.map((reply) => (reply === "removed" ? "removed" : "conflict"))),

  ownerKeys: (owner) =>
    Effect.flatMap(checkedKey({ owner, draft: "-" }), () =>
      call("ownerKeys", () => client.smembers(ownerKey(layout, owner)))
    ).pipe(Effect.map((drafts) => drafts.filter(isDigest).map((draft) => ({ owner, draft })))),

  claimDue: (now, limit, leaseMillis) => {
    const count = Math.floor(limit)
    if (!(count > 0)) return Effect.succeed([])
    const nowText = String(Math.floor(now))
    const leaseEnd = String(Math.floor(now + leaseMillis))

    return call("claimDue", async () => {
      // Each shard offers its earliest `count` due drafts; the earliest `count` overall are claimed.
      const replies = await Promise.all(
        pendingKeys(layout).map((pending) =>
          client.zrangebyscore(pending, "-inf", nowText, "WITHSCORES", "LIMIT", 0, count)
        )
      )
      const candidates = replies
        .flatMap(candidatesOf)
        .sort((left, right) => left.due - right.due)
        .slice(0, count)

      // The script checks the score again, so a draft another instance claimed meanwhile is skipped.
      const claimed = await Promise.all(
        candidates.map((candidate) =>
          client.hotClaimRecord(
            pendingKeyOf(layout, candidate.key),
            recordKey(layout, candidate.key),
            candidate.member,
            nowText,
            leaseEnd
          )
        )
      )
      return candidates.filter((_, index) => claimed[index] === 1).map((candidate) => candidate.key)
    })
  },

  settle: (key, etag) =>
    Effect.flatMap(checkedKey(key), () =>
      call("settle", () =>
        client.hotSettleRecord(recordKey(layout, key), pendingKeyOf(layout, key), etag, pendingMember(key))
      )
    ).pipe(Effect.map((reply) => reply === 1)),

  pendingCount: call("pendingCount", () =>
    Promise.all(pendingKeys(layout).map((pending) => client.zcard(pending)))
  ).pipe(Effect.map((counts) => counts.reduce((total, count) => total + count, 0)))
})

/** Builds the store and its scoped client from checked options. */
export const makeResolved = (options: ResolvedOptions): Effect.Effect<HotStoreShape, never, Scope.Scope> =>
  Effect.map(makeClient(options), (client) => fromClient(client, options.layout))

/** Builds the store and its scoped client; invalid options are a defect that names the option and its rule. */
export const make = (options: RedisHotStoreOptions): Effect.Effect<HotStoreShape, never, Scope.Scope> => {
  const resolved = resolveOptions(options)
  return Either.isRight(resolved)
    ? makeResolved(resolved.right)
    : Effect.dieMessage(`RedisHotStoreOptions.${resolved.left.option} is invalid: it must be ${resolved.left.rule}.`)
}

export const layer = (options: RedisHotStoreOptions): Layer.Layer<HotStore> => Layer.scoped(HotStore, make(options))

/** The store configured by `REDIS_URL` and the other `REDIS_*` variables (redisConfig.ts). */
export const layerConfig: Layer.Layer<HotStore, ConfigError.ConfigError> = Layer.scoped(
  HotStore,
  Effect.flatMap(redisHotStoreConfig, makeResolved)
)
