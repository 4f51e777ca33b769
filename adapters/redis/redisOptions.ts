import { Either, Redacted } from "effect"
import type { RedisOptions } from "ioredis"
import type { KeyLayout } from "./redisKeys.ts"

/** Settings of the Redis hot store; every field but `url` has a default. */
export interface RedisHotStoreOptions {
  /**
   * `redis://[username[:password]@]host[:port][/db]`, or `rediss://` for TLS. The password is
   * read only when the client is created and never appears in logs or errors.
   */
  readonly url: Redacted.Redacted<string>
  /** Pending queue shards, each a sorted set with its own hash tag (default 16); every instance must agree. */
  readonly shards?: number
  /** First part of every key and hash tag (default "cd"), so several deployments can share one Redis. */
  readonly keyPrefix?: string
  /** Milliseconds a command may take, queued time included, before it fails (default 1000). */
  readonly commandTimeoutMillis?: number
  /** Milliseconds a connection attempt may take (default 2000). */
  readonly connectTimeoutMillis?: number
  /**
   * Reconnection attempts a queued command waits through before it fails (default 1), so a
   * dead Redis fails calls after about one reconnect delay instead of at the command timeout.
   */
  readonly maxRetriesPerRequest?: number
  /** Upper bound of the delay between reconnection attempts, in milliseconds (default 2000). */
  readonly maxReconnectDelayMillis?: number
}

export const defaults = {
  shards: 16,
  keyPrefix: "cd",
  commandTimeoutMillis: 1_000,
  connectTimeoutMillis: 2_000,
  maxRetriesPerRequest: 1,
  maxReconnectDelayMillis: 2_000
} as const

/** Largest shard count: far more than any cluster has masters, and still a cheap claim round. */
export const maxShards = 1_024

/** Connection target parsed from the URL. */
export interface RedisTarget {
  readonly host: string
  readonly port: number
  readonly tls: boolean
  readonly db: number
  readonly username: string | undefined
  readonly password: Redacted.Redacted<string> | undefined
}

/** Options with defaults applied and every value checked. */
export interface ResolvedOptions {
  readonly target: RedisTarget
  readonly layout: KeyLayout
  readonly commandTimeoutMillis: number
  readonly connectTimeoutMillis: number
  readonly maxRetriesPerRequest: number
  readonly maxReconnectDelayMillis: number
}

const urlRule =
  "redis://[username[:password]@]host[:port][/db] or rediss://... with a port from 1 to 65535, a database number and no query string"

const decode = (component: string): string | undefined => {
  try {
    return decodeURIComponent(component)
  } catch {
    return undefined
  }
}

/**
 * Parses a Redis URL. A failure returns the rule broken, never the URL, because the URL may
 * hold a password.
 */
export const parseRedisUrl = (raw: string): Either.Either<RedisTarget, string> => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return Either.left(urlRule)
  }

  if (url.protocol !== "redis:" && url.protocol !== "rediss:") return Either.left(urlRule)
  if (url.hostname === "" || url.search !== "" || url.hash !== "") return Either.left(urlRule)

  const port = url.port === "" ? 6379 : Number(url.port)
  if (port < 1) return Either.left(urlRule)

  const path = url.pathname.replace(/^\//, "")
  if (!/^\d{0,5}$/.test(path)) return Either.left(urlRule)
  const db = path === "" ? 0 : Number(path)

  const username = decode(url.username)
  const password = decode(url.password)
  if (username === undefined || password === undefined) return Either.left(urlRule)

  return Either.right({
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    tls: url.protocol === "rediss:",
    db,
    username: username === "" ? undefined : username,
    password: password === "" ? undefined : Redacted.make(password)
  })
}

const isWhole = (value: number, min: number, max: number): boolean =>
  Number.isSafeInteger(value) && value >= min && value <= max

/** An option that failed its check, with the rule it broke; never its value. */
export interface OptionProblem {
  readonly option: keyof RedisHotStoreOptions
  readonly rule: string
}

const problem = (option: OptionProblem["option"], rule: string) => Either.left<OptionProblem>({ option, rule })

const millisRule = "a whole number of milliseconds from 1 to 600000"

/** Applies defaults and checks every option, returning the first problem found. */
export const resolveOptions = (options: RedisHotStoreOptions): Either.Either<ResolvedOptions, OptionProblem> => {
  const shards = options.shards ?? defaults.shards
  const keyPrefix = options.keyPrefix ?? defaults.keyPrefix
  const commandTimeoutMillis = options.commandTimeoutMillis ?? defaults.commandTimeoutMillis
  const connectTimeoutMillis = options.connectTimeoutMillis ?? defaults.connectTimeoutMillis
  const maxRetriesPerRequest = options.maxRetriesPerRequest ?? defaults.maxRetriesPerRequest
  const maxReconnectDelayMillis = options.maxReconnectDelayMillis ?? defaults.maxReconnectDelayMillis

  if (!isWhole(shards, 1, maxShards)) return problem("shards", `a whole number from 1 to ${maxShards}`)
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(keyPrefix)) return problem("keyPrefix", "1 to 32 characters from A-Z a-z 0-9 _ -")
  if (!isWhole(commandTimeoutMillis, 1, 600_000)) return problem("commandTimeoutMillis", millisRule)
  if (!isWhole(connectTimeoutMillis, 1, 600_000)) return problem("connectTimeoutMillis", millisRule)
  if (!isWhole(maxRetriesPerRequest, 0, 100)) return problem("maxRetriesPerRequest", "a whole number from 0 to 100")
  if (!isWhole(maxReconnectDelayMillis, 1, 600_000)) return problem("maxReconnectDelayMillis", millisRule)

  const target = parseRedisUrl(Redacted.value(options.url))
  if (Either.isLeft(target)) return problem("url", target.left)

  return Either.right({
    target: target.right,
    layout: { prefix: keyPrefix, shards },
    commandTimeoutMillis,
    connectTimeoutMillis,
    maxRetriesPerRequest,
    maxReconnectDelayMillis
  })
}

/** Detects the READONLY reply a replica sends to a write, after which the command is sent again on a fresh connection. */
const isReadOnlyReply = (error: Error): boolean => error.message.startsWith("READONLY")

/**
 * ioredis options that keep every call bounded:
 * - `commandTimeout` fails a command that gets no reply in time, including time spent in the
 *   offline queue while the client reconnects.
 * - `maxRetriesPerRequest` flushes that queue after so many failed reconnection attempts, so a
 *   dead Redis fails calls after about one reconnect delay.
 * - The offline queue stays enabled because ioredis resends a READONLY command through it.
 *   After a failover leaves the client on a replica, `reconnectOnError` reconnects, normally
 *   to the new primary behind the same address, and sends the command again within the same
 *   timeout. With the queue disabled ioredis would reject that resend at once.
 * - Reconnection never stops, so the client recovers by itself once Redis is back.
 */
export const clientOptions = (options: ResolvedOptions): RedisOptions => {
  const { target } = options
  const isAddress = /^[\d.]+$/.test(target.host) || target.host.includes(":")

  return {
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: Redacted.value(target.password) }),
    ...(target.tls ? { tls: isAddress ? {} : { servername: target.host } } : {}),
    connectionName: "claim-drafts",
    connectTimeout: options.connectTimeoutMillis,
    commandTimeout: options.commandTimeoutMillis,
    maxRetriesPerRequest: options.maxRetriesPerRequest,
    enableOfflineQueue: true,
    enableAutoPipelining: true,
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, options.maxReconnectDelayMillis),
    reconnectOnError: (error) => (isReadOnlyReply(error) ? 2 : false)
  }
}
