import type { S3Client } from "@aws-sdk/client-s3"
import { Context, Effect, Layer, Redacted, Runtime, type Scope } from "effect"
import * as KmsKeyProvider from "../../adapters/kms/KmsKeyProvider.ts"
import * as monitoredPorts from "../../adapters/monitoring/monitoredPorts.ts"
import { TierHealth } from "../../adapters/monitoring/TierHealth.ts"
import * as RedisHotStore from "../../adapters/redis/RedisHotStore.ts"
import * as S3DurableStore from "../../adapters/s3/S3DurableStore.ts"
import * as WriteBehind from "../../adapters/writeBehind.ts"
import { Envelope } from "../../programs/crypto/Envelope.ts"
import { Drafts } from "../../programs/Drafts.ts"
import { DraftsConfig, type DraftsConfigShape } from "../../programs/DraftsConfig.ts"
import { DurableStore, type DurableStoreShape } from "../../programs/ports/DurableStore.ts"
import { HotStore, type HotStoreShape } from "../../programs/ports/HotStore.ts"
import { Secrets } from "../../programs/ports/Secrets.ts"
import { StorageKeys } from "../../programs/StorageKeys.ts"
import type { BenchEnvironment } from "./environment.ts"
import { countWarnings, type LogCounter } from "./logCounter.ts"

export type DraftsService = Context.Tag.Service<Drafts>

/** Requests per command name, counted once per command whatever the SDK's retries. */
export interface CallCounter {
  readonly count: (command: string) => number
  readonly snapshot: () => Readonly<Record<string, number>>
  /** Every command since the last reset, with `performance.now()` at its start. */
  readonly log: () => ReadonlyArray<{ readonly command: string; readonly atMillis: number }>
  readonly reset: () => void
}

/** Adds a middleware that counts every command the client sends. */
export const countCommands = (client: S3Client): CallCounter => {
  const counts = new Map<string, number>()
  const log: Array<{ readonly command: string; readonly atMillis: number }> = []
  client.middlewareStack.add(
    (next, context) => (args) => {
      const command = String(context.commandName ?? "unknown")
      counts.set(command, (counts.get(command) ?? 0) + 1)
      log.push({ command, atMillis: performance.now() })
      return next(args)
    },
    { step: "initialize", name: "benchCommandCounter" }
  )
  return {
    count: (command) => counts.get(command) ?? 0,
    snapshot: () => Object.fromEntries(counts),
    log: () => log,
    reset: () => {
      counts.clear()
      log.length = 0
    }
  }
}

export interface StackOptions {
  readonly config?: Partial<DraftsConfigShape>
  /** Runs the write-behind loop every 500 ms, as the server does (default true). */
  readonly writeBehind?: boolean
}

/** One instance of the service: the programs over the production adapters, plus raw handles for set-up and counting. */
export interface BenchStack {
  readonly drafts: DraftsService
  /** Runs an effect on the stack's runtime, so fibers see the stack's clock and logger. */
  readonly run: <A, E>(effect: Effect.Effect<A, E>) => Promise<A>
  /** The Redis adapter below the monitoring wrapper. */
  readonly hot: HotStoreShape
  /** The S3 adapter below the monitoring wrapper. */
  readonly durable: DurableStoreShape
  readonly storageKeys: StorageKeys
  readonly config: DraftsConfigShape
  /** S3 commands this instance sent. */
  readonly s3Calls: CallCounter
  readonly s3Client: S3Client
  /** An envelope like the one inside `drafts`, over the same key provider, with a key cache of its own. */
  readonly envelope: Envelope
  /** Warnings the service logged since the stack was built. */
  readonly logs: LogCounter
}

/**
 * Builds one instance of the service the way the server composes it (adapters/configuredLayer.ts):
 * the Redis, S3 and KMS adapters with their default options, wrapped by the tier monitoring,
 * under `Drafts`, with the write-behind loop running. Only the endpoints and credentials
 * differ: the environment's loopback servers and fake keys.
 */
export const buildStack = (
  environment: BenchEnvironment,
  options: StackOptions = {}
): Effect.Effect<BenchStack, never, Scope.Scope> =>
  Effect.gen(function* () {
    const logs = yield* countWarnings
    const hot = yield* RedisHotStore.make({ url: Redacted.make(environment.redis.url) })
    const s3Client = yield* Effect.acquireRelease(
      Effect.sync(() => environment.s3.makeClient()),
      (client) => Effect.sync(() => client.destroy())
    )
    const s3Calls = countCommands(s3Client)
    const durable = yield* S3DurableStore.make(s3Client, { bucket: environment.s3.bucket })

    const keyProvider = KmsKeyProvider.layer({
      region: environment.kms.region,
      encryptingKeyId: environment.kmsKey.arn,
      decryptingKeyIds: [],
      environment: "benchmark",
      endpoint: environment.kms.endpoint,
      credentials: environment.awsCredentials
    }).pipe(Layer.orDie)

    const ports = Layer.mergeAll(
      Layer.succeed(HotStore, hot),
      Layer.succeed(DurableStore, durable),
      keyProvider,
      Layer.succeed(Secrets, environment.secrets),
      DraftsConfig.layer(options.config)
    )
    const monitored = monitoredPorts.layer.pipe(Layer.provideMerge(ports), Layer.provideMerge(TierHealth.layer))
    const draftsLayer = Drafts.layer.pipe(Layer.provideMerge(monitored))
    const withLoop = options.writeBehind === false ? draftsLayer : WriteBehind.layer.pipe(Layer.provideMerge(draftsLayer))

    const context = yield* Layer.build(withLoop)
    const storageKeys = yield* StorageKeys.pipe(
      Effect.provide(StorageKeys.Default),
      Effect.provide(Layer.succeed(Secrets, environment.secrets))
    )
    const envelope = yield* Envelope.pipe(Effect.provide(Envelope.Default), Effect.provide(context))
    const runtime = yield* Effect.runtime<never>()

    return {
      drafts: Context.get(context, Drafts),
      run: (effect) => Runtime.runPromise(runtime)(effect),
      hot,
      durable,
      storageKeys,
      config: Context.get(context, DraftsConfig),
      s3Calls,
      s3Client,
      envelope,
      logs
    }
  })
