import { Duration, Effect, Runtime, type Scope } from "effect"
import { Cluster, Redis } from "ioredis"
import { clientOptions, clusterOptions } from "./clientOptions.ts"
import type { ResolvedOptions } from "./redisOptions.ts"
import { type ScriptCommands, scriptDefinitions } from "./scripts.ts"

/** An ioredis client, for one endpoint or for a Redis Cluster, with the hot store's scripts defined on it. */
export type HotStoreClient = (Redis | Cluster) & ScriptCommands

/** Adds the hot store's scripts to a new client. */
export const defineScripts = (client: Redis | Cluster): HotStoreClient => {
  for (const [name, definition] of Object.entries(scriptDefinitions)) {
    client.defineCommand(name, definition)
  }
  return client as HotStoreClient
}

/** Minimum time between two warnings about a lost connection, in ms. A READONLY retry loop reconnects about every 100 ms. */
const quietMillis = 60_000

/**
 * Logs connection losses and recoveries. Repeats within `quietMillis` are counted instead of
 * logged, because a dead Redis or a failover produces an event every few hundred milliseconds.
 */
const watchConnection = (client: Redis | Cluster, log: (effect: Effect.Effect<void>) => void) => {
  let state: "starting" | "ready" | "down" | "closing" = "starting"
  let lastWarningAt = Number.NEGATIVE_INFINITY
  let unlogged = 0
  let downLogged = false

  const markDown = (error?: Error) => {
    if (state === "down" || state === "closing") return
    state = "down"

    const now = Date.now()
    downLogged = now - lastWarningAt >= quietMillis
    if (!downLogged) {
      unlogged++
      return
    }
    lastWarningAt = now
    const annotations = { module: "RedisHotStore", unloggedLosses: unlogged, ...(error ? { error: error.message } : {}) }
    unlogged = 0
    log(
      Effect.logWarning("Redis connection lost; hot store calls fail with StoreUnavailable until it reconnects.").pipe(
        Effect.annotateLogs(annotations)
      )
    )
  }

  client.on("error", (error: Error) => markDown(error))
  client.on("close", () => {
    if (state === "ready") markDown()
  })
  client.on("ready", () => {
    if (state === "down" && downLogged) {
      log(Effect.logInfo("Redis connection restored.").pipe(Effect.annotateLogs({ module: "RedisHotStore" })))
    }
    if (state !== "closing") state = "ready"
  })

  return {
    /** Silences the watcher before a deliberate QUIT. */
    closing: () => {
      state = "closing"
    }
  }
}

/**
 * Logs errors of single cluster nodes, such as a primary that went down before its replica
 * took over, at most once per `quietMillis` with the count of errors not logged. The cluster
 * as a whole usually stays ready meanwhile, so `watchConnection` does not see them.
 */
const watchClusterNodes = (cluster: Cluster, log: (effect: Effect.Effect<void>) => void) => {
  let lastWarningAt = Number.NEGATIVE_INFINITY
  let unlogged = 0

  cluster.on("node error", (error: Error, node: string) => {
    const now = Date.now()
    if (now - lastWarningAt < quietMillis) {
      unlogged++
      return
    }
    lastWarningAt = now
    const annotations = { module: "RedisHotStore", node, error: error.message, unloggedNodeErrors: unlogged }
    unlogged = 0
    log(
      Effect.logWarning("Redis Cluster node failed; calls to its slots fail until it or its replica answers.").pipe(
        Effect.annotateLogs(annotations)
      )
    )
  })
}

/** Creates the ioredis client the options select: a `Cluster` for a cluster URL, else a `Redis`. */
const createClient = (options: ResolvedOptions, log: (effect: Effect.Effect<void>) => void): Redis | Cluster => {
  const { target } = options
  if (target._tag === "Standalone") return new Redis(clientOptions({ ...options, target }))

  const cluster = new Cluster(
    target.nodes.map((node) => ({ host: node.host, port: node.port })),
    clusterOptions({ ...options, target })
  )
  watchClusterNodes(cluster, log)
  return cluster
}

/**
 * Creates the scoped client. It starts connecting at once. A single-endpoint client does not
 * wait, because calls made before it is ready wait in the offline queue within the command
 * timeout. A cluster client has no offline queue (see clusterOptions), so it waits up to the
 * connect timeout for the slot table and then goes on either way. A service whose Redis is
 * down therefore still starts, and its hot store calls fail with StoreUnavailable.
 */
export const makeClient = (options: ResolvedOptions): Effect.Effect<HotStoreClient, never, Scope.Scope> =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    const log = (effect: Effect.Effect<void>) => {
      Runtime.runFork(runtime)(effect)
    }

    const { client, connected } = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const client = createClient(options, log)
        const watcher = watchConnection(client, log)
        const connected = client.connect().then(
          () => true,
          // The error listener has logged the failure, and ioredis keeps reconnecting.
          () => false
        )
        return { client: defineScripts(client), watcher, connected }
      }),
      ({ client, watcher }) =>
        Effect.promise(async () => {
          watcher.closing()
          // QUIT is bounded by the command timeout; disconnect also cancels a pending reconnection.
          await client.quit().catch(() => undefined)
          client.disconnect()
        })
    )

    if (options.target._tag === "Cluster") {
      yield* Effect.promise(() => connected).pipe(
        Effect.timeoutOption(Duration.millis(options.connectTimeoutMillis))
      )
    }
    return client
  })
