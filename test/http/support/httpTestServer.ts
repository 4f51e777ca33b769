import { randomBytes, randomUUID } from "node:crypto"
import { HttpServer } from "@effect/platform"
import { Context, Effect, Layer, Logger, ManagedRuntime, Option, Redacted, type Tracer } from "effect"
import * as FaultyDurableStore from "../../../adapters/faults/FaultyDurableStore.ts"
import * as FaultyHotStore from "../../../adapters/faults/FaultyHotStore.ts"
import * as EmbeddedTokenVerifier from "../../../adapters/http/auth/EmbeddedTokenVerifier.ts"
import { issueToken } from "../../../adapters/http/auth/issueToken.ts"
import type { TokenVerifier } from "../../../adapters/http/auth/TokenVerifier.ts"
import * as ServerLayer from "../../../adapters/http/server/serverLayer.ts"
import * as LocalKeyring from "../../../adapters/keyring/LocalKeyring.ts"
import { DurableStoreLoss } from "../../../adapters/memory/DurableStoreLoss.ts"
import { HotStoreLoss } from "../../../adapters/memory/HotStoreLoss.ts"
import * as MemoryDurableStore from "../../../adapters/memory/MemoryDurableStore.ts"
import * as MemoryHotStore from "../../../adapters/memory/MemoryHotStore.ts"
import * as MetricsServer from "../../../adapters/monitoring/MetricsServer.ts"
import { KeyUnavailable } from "../../../domain/errors.ts"
import { Drafts } from "../../../programs/Drafts.ts"
import { DraftsConfig, type DraftsConfigShape } from "../../../programs/DraftsConfig.ts"
import { DurableStore } from "../../../programs/ports/DurableStore.ts"
import { HotStore } from "../../../programs/ports/HotStore.ts"
import { KeyProvider } from "../../../programs/ports/KeyProvider.ts"
import { Secrets } from "../../../programs/ports/Secrets.ts"
import { StorageKeys } from "../../../programs/StorageKeys.ts"

export interface HttpTestServerOptions {
  readonly config?: Partial<DraftsConfigShape>
  /** Replaces the embedded HS256 verifier, e.g. with a JWK set verifier. */
  readonly verifier?: Layer.Layer<TokenVerifier, unknown>
  /** Replaces the draft programs, e.g. with a double whose methods die. */
  readonly drafts?: Layer.Layer<Drafts, unknown>
  /** Extra layers over the programs, such as the write-behind loop. */
  readonly background?: Layer.Layer<never, never, Drafts>
  /** Receives every span of the server, for tests that inspect what a tracer would export. */
  readonly tracer?: Tracer.Tracer
  /** Starts the Prometheus listener on a second free loopback port. */
  readonly metrics?: boolean
}

/** What a test needs to talk to a running server and to reach behind it. */
export interface HttpTestServer {
  readonly baseUrl: string
  readonly url: (path: string) => string
  /** Base URL of the metrics listener; absent unless `metrics` was set. */
  readonly metricsBaseUrl?: string
  /** An embedded HS256 token for `owner`, valid for `ttlSeconds` (default 1 hour). */
  readonly tokenFor: (owner: string, ttlSeconds?: number) => Promise<string>
  /** The HS256 secret the server verifies with, for tests that forge tokens. */
  readonly signingSecret: Uint8Array
  /** Makes the next `count` hot-tier calls fail with StoreUnavailable. */
  readonly failNextHotCalls: (count: number) => Promise<void>
  /** Makes the next `count` durable-tier calls fail with StoreUnavailable. */
  readonly failNextDurableCalls: (count: number) => Promise<void>
  /** Drops the failures still owed by both tiers. */
  readonly clearFaults: () => Promise<void>
  /** Makes the key service fail every request for a new data key with KeyUnavailable, or stop failing. */
  readonly setKeyServiceFailing: (failing: boolean) => void
  /** Runs an effect with the server's stores, storage keys and programs, to look behind the API. */
  readonly run: <A, E>(
    effect: Effect.Effect<A, E, HotStore | DurableStore | StorageKeys | Drafts | HotStoreLoss | DurableStoreLoss>
  ) => Promise<A>
  /** Every line the server logged, in logfmt. */
  readonly logs: ReadonlyArray<string>
  readonly close: () => Promise<void>
}

/** Both in-memory stores wrapped in fault gates, with the controls and loss switches exposed. */
const faultyMemoryStores = Layer.effectContext(
  Effect.gen(function* () {
    const hot = yield* MemoryHotStore.makeWithLoss
    const durable = yield* MemoryDurableStore.makeWithLoss
    const faultyHot = yield* Effect.provideService(FaultyHotStore.make, HotStore, hot.store)
    const faultyDurable = yield* Effect.provideService(FaultyDurableStore.make, DurableStore, durable.store)

    return Context.make(HotStore, faultyHot.store).pipe(
      Context.add(FaultyHotStore.HotFaults, faultyHot.control),
      Context.add(HotStoreLoss, hot.loss),
      Context.add(DurableStore, faultyDurable.store),
      Context.add(FaultyDurableStore.DurableFaults, faultyDurable.control),
      Context.add(DurableStoreLoss, durable.loss)
    )
  })
)

/**
 * Starts the HTTP server on a free loopback port over the in-memory stores and a local
 * keyring with random keys, and captures its logs.
 */
export const startHttpTestServer = async (options: HttpTestServerOptions = {}): Promise<HttpTestServer> => {
  const signingSecret = new Uint8Array(randomBytes(32))
  const secrets = {
    storageKeySecret: Redacted.make(new Uint8Array(randomBytes(32))),
    tokenSigningSecret: Option.some(Redacted.make(signingSecret))
  }
  const keyring = LocalKeyring.layer({
    keys: [{ id: `http-test-${randomUUID()}`, key: new Uint8Array(randomBytes(32)) }],
    secrets,
    development: false
  })

  // The keyring stands in for a key service that can be switched off, as an unreachable KMS is.
  let keyServiceFailing = false
  const switchableKeys = Layer.effect(
    KeyProvider,
    Effect.map(KeyProvider, (inner) => ({
      generateDataKey: Effect.suspend(() =>
        keyServiceFailing
          ? Effect.fail(new KeyUnavailable({ method: "generateDataKey", retryAfterSeconds: 2 }))
          : inner.generateDataKey
      ),
      unwrapDataKey: inner.unwrapDataKey
    }))
  ).pipe(Layer.provideMerge(keyring))

  const logs: Array<string> = []
  const capture = Logger.make((entry) => {
    logs.push(Logger.logfmtLogger.log(entry))
  })

  const ports = Layer.mergeAll(faultyMemoryStores, switchableKeys, DraftsConfig.layer(options.config ?? {}))
  const drafts = options.drafts ?? Drafts.layer
  const stack = Layer.mergeAll(drafts, StorageKeys.Default, options.verifier ?? EmbeddedTokenVerifier.layer).pipe(
    Layer.provideMerge(ports)
  )
  const loopback = { host: "127.0.0.1", port: 0 }
  const metricsListener = options.metrics === true ? MetricsServer.layer(loopback) : Layer.empty
  const server = ServerLayer.layer(loopback).pipe(
    Layer.provide(options.background ?? Layer.empty),
    Layer.provideMerge(metricsListener),
    Layer.provideMerge(stack)
  )
  const tracing = options.tracer === undefined ? Layer.empty : Layer.setTracer(options.tracer)
  const runtime = ManagedRuntime.make(
    server.pipe(Layer.provide(Logger.replace(Logger.defaultLogger, capture)), Layer.provide(tracing))
  )

  const address = await runtime.runPromise(Effect.map(HttpServer.HttpServer, (bound) => bound.address))
  if (address._tag !== "TcpAddress") throw new Error("the test server did not bind a TCP port")
  const baseUrl = `http://127.0.0.1:${address.port}`
  const metricsAddress = await runtime.runPromise(
    Effect.map(Effect.serviceOption(MetricsServer.MetricsServer), Option.map((listener) => listener.address))
  )
  const metricsBaseUrl =
    Option.isSome(metricsAddress) && metricsAddress.value._tag === "TcpAddress"
      ? `http://127.0.0.1:${metricsAddress.value.port}`
      : undefined

  const context = await runtime.runPromise(
    Effect.all({ hotFaults: FaultyHotStore.HotFaults, durableFaults: FaultyDurableStore.DurableFaults })
  )

  return {
    baseUrl,
    url: (path) => `${baseUrl}${path}`,
    ...(metricsBaseUrl === undefined ? {} : { metricsBaseUrl }),
    tokenFor: (owner, ttlSeconds) =>
      Effect.runPromise(
        issueToken(ttlSeconds === undefined ? { owner } : { owner, ttlSeconds }).pipe(Effect.provideService(Secrets, secrets))
      ),
    signingSecret,
    failNextHotCalls: (count) => Effect.runPromise(context.hotFaults.failNext(count)),
    failNextDurableCalls: (count) => Effect.runPromise(context.durableFaults.failNext(count)),
    setKeyServiceFailing: (failing) => {
      keyServiceFailing = failing
    },
    clearFaults: () => Effect.runPromise(Effect.zipRight(context.hotFaults.clear, context.durableFaults.clear)),
    run: (effect) => runtime.runPromise(effect),
    logs,
    close: () => runtime.dispose()
  }
}

/** A random draft id of the required form. */
export const newDraftId = (): string => randomUUID()
