import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3"
import { type Config, ConfigProvider, Effect } from "effect"
import { Redis } from "ioredis"
import { redisHotStoreConfig } from "../../adapters/redis/redisConfig.ts"
import { clientOptions } from "../../adapters/redis/clientOptions.ts"
import { isStandalone } from "../../adapters/redis/redisOptions.ts"
import { clientConfig } from "../../adapters/s3/s3Client.ts"
import { normalizePrefix, settingsConfig } from "../../adapters/s3/S3Settings.ts"
import type { DemoEnvironment } from "./environment.ts"
import { type Finding, findNeedles, type Needle } from "./plaintext.ts"
import type { ChildEnvironment } from "./serverProcess.ts"
import { StepFailed } from "./StepFailed.ts"

/** A store outside the data directory that the user's environment configured, read with the server's settings. */
export interface RemoteStore {
  /** The store as the scan report names it, such as "configured S3 bucket". */
  readonly place: string
  /** What the scan counts, such as "S3 object" and "S3 objects". */
  readonly unit: { readonly singular: string; readonly plural: string }
  /** Reads everything the demo's servers wrote there and reports each needle found. */
  readonly scan: (needles: ReadonlyArray<Needle>) => Effect.Effect<{ readonly count: number; readonly findings: ReadonlyArray<Finding> }, StepFailed>
  /** Deletes everything the demo's servers wrote there. */
  readonly clean: Effect.Effect<void, StepFailed>
}

const step = "scan for plaintext"

const failed = (what: string) => (cause: unknown) =>
  new StepFailed({ step, reason: `${what} failed: ${cause instanceof Error ? cause.message : String(cause)}` })

/** Reads a setting the way the server does, from the environment the demo gave the server. */
const readConfig = <A>(config: Config.Config<A>, env: ChildEnvironment) => {
  const entries = Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined)
  return Effect.withConfigProvider(config, ConfigProvider.fromMap(new Map(entries))).pipe(
    Effect.mapError(failed("reading the store settings"))
  )
}

/** Scans and deletes the run's objects under its own prefix (environment.ts), with the server's client settings. */
const s3Store = (env: ChildEnvironment): RemoteStore => {
  const withClient = <A>(use: (client: S3Client, bucket: string, prefix: string) => Promise<A>, what: string) =>
    Effect.gen(function* () {
      const settings = yield* readConfig(settingsConfig, env)
      const client = yield* Effect.acquireRelease(
        Effect.sync(() => new S3Client(clientConfig(settings))),
        (client) => Effect.sync(() => client.destroy())
      )
      return yield* Effect.tryPromise({
        try: () => use(client, settings.bucket, normalizePrefix(settings.prefix)),
        catch: failed(what)
      })
    }).pipe(Effect.scoped)

  const listKeys = async (client: S3Client, bucket: string, prefix: string): Promise<ReadonlyArray<string>> => {
    const keys: Array<string> = []
    let continuationToken: string | undefined
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(continuationToken ? { ContinuationToken: continuationToken } : {}) })
      )
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key)
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (continuationToken !== undefined)
    return keys
  }

  return {
    place: "configured S3 bucket",
    unit: { singular: "S3 object", plural: "S3 objects" },
    scan: (needles) =>
      withClient(async (client, bucket, prefix) => {
        const keys = await listKeys(client, bucket, prefix)
        const findings: Array<Finding> = []
        for (const key of keys) {
          const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
          const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array()
          for (const needle of findNeedles(bytes, needles)) findings.push({ location: `s3://${bucket}/${key}`, needle })
        }
        return { count: keys.length, findings }
      }, "reading the demo's S3 objects"),
    clean: withClient(async (client, bucket, prefix) => {
      for (const key of await listKeys(client, bucket, prefix)) {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))
      }
    }, "deleting the demo's S3 objects")
  }
}

/** Scans and deletes the run's keys under its own key prefix (environment.ts): records, pending sets and owner sets. */
const redisStore = (env: ChildEnvironment): RemoteStore => {
  const withClient = <A>(use: (client: Redis, patterns: ReadonlyArray<string>) => Promise<A>, what: string) =>
    Effect.gen(function* () {
      const options = yield* readConfig(redisHotStoreConfig, env)
      if (!isStandalone(options)) {
        return yield* new StepFailed({ step, reason: "the plaintext scan supports REDIS_URL only, not REDIS_CLUSTER_URL" })
      }
      const client = yield* Effect.acquireRelease(
        Effect.sync(() => new Redis({ ...clientOptions(options), connectionName: "claim-drafts-demo" })),
        (client) => Effect.sync(() => client.disconnect())
      )
      // Key layout of adapters/redis/redisKeys.ts: `{prefix:shard}:...` and `prefix:owner:...`.
      const { prefix } = options.layout
      return yield* Effect.tryPromise({ try: () => use(client, [`{${prefix}:*`, `${prefix}:owner:*`]), catch: failed(what) })
    }).pipe(Effect.scoped)

  const listKeys = async (client: Redis, patterns: ReadonlyArray<string>): Promise<ReadonlyArray<string>> => {
    const keys = new Set<string>()
    for (const pattern of patterns) {
      let cursor = "0"
      do {
        const [next, batch] = await client.scan(cursor, "MATCH", pattern, "COUNT", 200)
        for (const key of batch) keys.add(key)
        cursor = next
      } while (cursor !== "0")
    }
    return [...keys]
  }

  /** Reads the key's name and every byte of its value by type, because DUMP may compress values. */
  const readKey = async (client: Redis, key: string): Promise<Buffer> => {
    const parts: Array<Buffer> = [Buffer.from(key, "utf8")]
    const type = await client.type(key)
    if (type === "hash") for (const [field, value] of Object.entries(await client.hgetallBuffer(key))) parts.push(Buffer.from(field), value)
    if (type === "zset") parts.push(...(await client.zrangeBuffer(key, 0, -1)))
    if (type === "set") parts.push(...(await client.smembersBuffer(key)))
    if (type === "string") parts.push((await client.getBuffer(key)) ?? Buffer.alloc(0))
    return Buffer.concat(parts)
  }

  return {
    place: "configured Redis",
    unit: { singular: "Redis key", plural: "Redis keys" },
    scan: (needles) =>
      withClient(async (client, patterns) => {
        const keys = await listKeys(client, patterns)
        const findings: Array<Finding> = []
        for (const key of keys) {
          for (const needle of findNeedles(await readKey(client, key), needles)) findings.push({ location: `Redis key ${key}`, needle })
        }
        return { count: keys.length, findings }
      }, "reading the demo's Redis keys"),
    clean: withClient(async (client, patterns) => {
      const keys = await listKeys(client, patterns)
      if (keys.length > 0) await client.unlink(...keys)
    }, "deleting the demo's Redis keys")
  }
}

/** Returns the stores besides the data directory that this run writes to. */
export const remoteStoresOf = (environment: DemoEnvironment): ReadonlyArray<RemoteStore> => [
  ...(environment.s3 ? [s3Store(environment.env)] : []),
  ...(environment.redis ? [redisStore(environment.env)] : [])
]
