import { Effect, Runtime, type Scope } from "effect"
import { Redis } from "ioredis"
import { clientOptions, type ResolvedOptions } from "./redisOptions.ts"
import { type ScriptCommands, scriptDefinitions } from "./scripts.ts"

/** An ioredis client with the hot store's scripts defined on it. */
export type HotStoreClient = Redis & ScriptCommands

/** Adds the hot store's scripts to a client; safe to call once per client. */
export const defineScripts = (client: Redis): HotStoreClient => {
  for (const [name, definition] of Object.entries(scriptDefinitions)) {
    client.defineCommand(name, definition)
  }
  return client as HotStoreClient
}

/**
 * Logs connection state changes once each, not once per reconnection attempt: a dead Redis
 * otherwise produces an error event every few hundred milliseconds.
 */
const watchConnection = (client: Redis, log: (effect: Effect.Effect<void>) => void): void => {
  let state: "starting" | "ready" | "down" = "starting"
  const annotate = (effect: Effect.Effect<void>, error?: Error) =>
    effect.pipe(Effect.annotateLogs({ module: "RedisHotStore", ...(error ? { error: error.message } : {}) }))

  const markDown = (error?: Error) => {
    if (state === "down") return
    state = "down"
    log(annotate(Effect.logWarning("Redis connection lost; hot store calls fail with StoreUnavailable until it reconnects."), error))
  }

  client.on("error", (error: Error) => markDown(error))
  client.on("close", () => {
    if (state === "ready") markDown()
  })
  client.on("ready", () => {
    if (state === "down") log(annotate(Effect.logInfo("Redis connection restored.")))
    state = "ready"
  })
}

/**
 * Creates the scoped client. It starts connecting at once but does not wait: calls made
 * before it is ready wait in the offline queue within the command timeout, so a service
 * whose Redis is down still starts and answers with StoreUnavailable.
 */
export const makeClient = (options: ResolvedOptions): Effect.Effect<HotStoreClient, never, Scope.Scope> =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    const log = (effect: Effect.Effect<void>) => {
      Runtime.runFork(runtime)(effect)
    }

    return yield* Effect.acquireRelease(
      Effect.sync(() => {
        const client = new Redis(clientOptions(options))
        watchConnection(client, log)
        client.connect().catch(() => {
          // The error listener has logged the failure, and ioredis keeps reconnecting.
        })
        return defineScripts(client)
      }),
      (client) =>
        Effect.promise(async () => {
          // QUIT is bounded by the command timeout; disconnect also cancels a pending reconnection.
          await client.quit().catch(() => undefined)
          client.disconnect()
        })
    )
  })
