import { Effect, Runtime, type Scope } from "effect"
import { Redis } from "ioredis"
import { clientOptions, type ResolvedOptions } from "./redisOptions.ts"
import { type ScriptCommands, scriptDefinitions } from "./scripts.ts"

/** An ioredis client with the hot store's scripts defined on it. */
export type HotStoreClient = Redis & ScriptCommands

/** Adds the hot store's scripts to a new client. */
export const defineScripts = (client: Redis): HotStoreClient => {
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
const watchConnection = (client: Redis, log: (effect: Effect.Effect<void>) => void) => {
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
 * Creates the scoped client. It starts connecting at once but does not wait, because calls
 * made before it is ready wait in the offline queue within the command timeout. A service
 * whose Redis is down therefore still starts, and its hot store calls fail with StoreUnavailable.
 */
export const makeClient = (options: ResolvedOptions): Effect.Effect<HotStoreClient, never, Scope.Scope> =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    const log = (effect: Effect.Effect<void>) => {
      Runtime.runFork(runtime)(effect)
    }

    const { client } = yield* Effect.acquireRelease(
      Effect.sync(() => {
        // NOTE: a standalone client only; connecting through the ioredis Cluster client is not implemented (docs/redis.md).
        const client = new Redis(clientOptions(options))
        const watcher = watchConnection(client, log)
        client.connect().catch(() => {
          // The error listener has logged the failure, and ioredis keeps reconnecting.
        })
        return { client: defineScripts(client), watcher }
      }),
      ({ client, watcher }) =>
        Effect.promise(async () => {
          watcher.closing()
          // QUIT is bounded by the command timeout; disconnect also cancels a pending reconnection.
          await client.quit().catch(() => undefined)
          client.disconnect()
        })
    )
    return client
  })
