import { randomBytes } from "node:crypto"
import { Context, Duration, Effect, Layer, Option, Redacted, type Scope } from "effect"
import * as KmsKeyProvider from "../../adapters/kms/KmsKeyProvider.ts"
import * as MemoryHotStore from "../../adapters/memory/MemoryHotStore.ts"
import * as RedisHotStore from "../../adapters/redis/RedisHotStore.ts"
import * as S3DurableStore from "../../adapters/s3/S3DurableStore.ts"
import * as EnvSecrets from "../../adapters/secrets/EnvSecrets.ts"
import * as WriteBehind from "../../adapters/writeBehind.ts"
import { Drafts } from "../../programs/Drafts.ts"
import { DraftsConfig } from "../../programs/DraftsConfig.ts"
import { fakeCredentials } from "../support/s3Server.ts"
import type { DrillServers } from "./servers.ts"

// Every AWS SDK client below gets a loopback endpoint and static fake credentials. This guard
// also keeps the SDK from probing instance metadata, should it ever fall back to its chain.
process.env.AWS_EC2_METADATA_DISABLED = "true"

export type DraftsService = Context.Tag.Service<Drafts>

/** Where one scenario's servers listen, as plain JSON so a child process can build the same stack. */
export interface StackEndpoints {
  readonly redisUrl: string
  readonly s3: { readonly endpoint: string; readonly bucket: string; readonly prefix: string; readonly region: string }
  readonly kms: { readonly endpoint: string; readonly region: string; readonly keyArn: string }
  /** Base64 storage-key secret shared by every instance of the scenario. */
  readonly storageSecret: string
}

/** Write-behind timings and data-key rotation of a drill, in milliseconds and saves. */
export interface DrillTimings {
  readonly persistDebounceMillis: number
  readonly persistMaxDelayMillis: number
  readonly persistLeaseMillis: number
  /** Saves per data key; small, so the KMS is called during the workload and not only at startup. */
  readonly dataKeyMaxMessages: number
}

export const defaultTimings: DrillTimings = {
  persistDebounceMillis: 250,
  persistMaxDelayMillis: 1_000,
  persistLeaseMillis: 3_000,
  dataKeyMaxMessages: 25
}

/** Static credentials for the test KMS server, which checks that a request is signed but not the signature. */
const kmsCredentials = { accessKeyId: "AKIDCLAIMDRAFTSDRILL", secretAccessKey: "claim-drafts-drill-secret" }

export const endpointsOf = (servers: DrillServers, s3Prefix: string): StackEndpoints => ({
  redisUrl: servers.redis.url,
  s3: { endpoint: servers.s3.endpoint, bucket: servers.s3.bucket, prefix: s3Prefix, region: servers.s3.settings.region },
  kms: { endpoint: servers.kms.endpoint, region: servers.kms.region, keyArn: servers.kmsKey.arn },
  storageSecret: randomBytes(32).toString("base64")
})

const hotTierLayer = (endpoints: StackEndpoints, hotTier: "redis" | "memory") =>
  hotTier === "memory"
    ? MemoryHotStore.layer
    : RedisHotStore.layer({
        url: Redacted.make(endpoints.redisUrl),
        commandTimeoutMillis: 1_000,
        connectTimeoutMillis: 1_000,
        // A restarted redis-server is found again within a fifth of a second.
        maxReconnectDelayMillis: 200
      })

/**
 * The production ports over the scenario's servers: Redis (or an empty in-memory hot tier),
 * S3, KMS and secrets from explicit settings, never from the environment.
 */
export const portsLayer = (endpoints: StackEndpoints, timings: DrillTimings, hotTier: "redis" | "memory" = "redis") =>
  Layer.mergeAll(
    hotTierLayer(endpoints, hotTier),
    S3DurableStore.layer({
      bucket: endpoints.s3.bucket,
      prefix: endpoints.s3.prefix,
      region: endpoints.s3.region,
      endpoint: endpoints.s3.endpoint,
      credentials: fakeCredentials,
      connectionTimeoutMillis: 1_000,
      requestTimeoutMillis: 5_000
    }),
    KmsKeyProvider.layer({
      region: endpoints.kms.region,
      encryptingKeyId: endpoints.kms.keyArn,
      decryptingKeyIds: [],
      environment: "drill",
      endpoint: endpoints.kms.endpoint,
      credentials: kmsCredentials
    }),
    EnvSecrets.layer({
      storageKeySecret: Option.some(Redacted.make(endpoints.storageSecret)),
      tokenSigningSecret: Option.none()
    }),
    DraftsConfig.layer({
      persistDebounce: Duration.millis(timings.persistDebounceMillis),
      persistMaxDelay: Duration.millis(timings.persistMaxDelayMillis),
      persistLease: Duration.millis(timings.persistLeaseMillis),
      dataKeyMaxMessages: timings.dataKeyMaxMessages
    })
  )

export interface InstanceOptions {
  /** Runs the write-behind loop for as long as the instance's scope is open. */
  readonly writeBehind: boolean
  /** An empty in-memory hot tier instead of Redis: reads then come from S3 alone. */
  readonly hotTier?: "redis" | "memory"
}

/**
 * Builds one instance of the service as a new process would: its own Redis, S3 and KMS
 * clients and empty key caches. Closing the scope stops its loop and closes its clients.
 */
export const startInstance = (
  endpoints: StackEndpoints,
  timings: DrillTimings,
  options: InstanceOptions
): Effect.Effect<DraftsService, never, Scope.Scope> =>
  Effect.gen(function* () {
    const context = yield* Layer.build(
      Drafts.layer.pipe(Layer.provideMerge(portsLayer(endpoints, timings, options.hotTier)))
    ).pipe(Effect.orDie)

    if (options.writeBehind) {
      yield* Layer.build(WriteBehind.layer.pipe(Layer.provide(Layer.succeedContext(context))))
    }
    return Context.get(context, Drafts)
  })
