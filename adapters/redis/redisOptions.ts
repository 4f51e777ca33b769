import { Either, Redacted } from "effect"
import type { KeyLayout } from "./redisKeys.ts"
import { type ClusterTarget, parseClusterUrl, parseRedisUrl, type RedisTarget } from "./redisTargets.ts"

/** Settings of the Redis hot store: exactly one of `url` and `clusterUrl`, the rest have defaults. */
export interface RedisHotStoreOptions {
  /**
   * One endpoint: `redis://[username[:password]@]host[:port][/db]`, or `rediss://` for TLS.
   * The password is read only when the client is created and never appears in logs or errors.
   */
  readonly url?: Redacted.Redacted<string>
  /**
   * Redis Cluster seed nodes: `redis://[username[:password]@]host[:port][,host[:port]...]`, or
   * `rediss://` for TLS. The client discovers the other nodes from them. Kept secret as `url` is.
   */
  readonly clusterUrl?: Redacted.Redacted<string>
  /**
   * PEM certificates of the CA that signed the server certificates, for a private CA; only
   * with `rediss://`. Without it, TLS trusts Node's bundled root certificates.
   */
  readonly tlsCa?: string
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

/** Options with defaults applied and every value checked. */
export interface ResolvedOptions {
  readonly target: RedisTarget | ClusterTarget
  readonly tlsCa: string | undefined
  readonly layout: KeyLayout
  readonly commandTimeoutMillis: number
  readonly connectTimeoutMillis: number
  readonly maxRetriesPerRequest: number
  readonly maxReconnectDelayMillis: number
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

export const endpointRule = "set, with a single-endpoint URL or a cluster URL but not both"

const tlsCaWithoutTlsRule =
  "unset unless the URL starts with rediss://, because a CA applies only to TLS; change the URL to rediss:// to encrypt the connection"

export const tlsCaRule = "PEM text with at least one -----BEGIN CERTIFICATE----- block"

const pemCertificatePattern = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/

/** Parses whichever of `url` and `clusterUrl` is set; setting both or neither is a problem. */
const resolveTarget = (options: RedisHotStoreOptions): Either.Either<RedisTarget | ClusterTarget, OptionProblem> => {
  if (options.url !== undefined && options.clusterUrl !== undefined) return problem("clusterUrl", endpointRule)
  if (options.clusterUrl !== undefined) {
    return Either.mapLeft(parseClusterUrl(Redacted.value(options.clusterUrl)), (rule) => ({ option: "clusterUrl", rule }))
  }
  if (options.url === undefined) return problem("url", endpointRule)
  return Either.mapLeft(parseRedisUrl(Redacted.value(options.url)), (rule) => ({ option: "url", rule }))
}

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

  const target = resolveTarget(options)
  if (Either.isLeft(target)) return Either.left(target.left)
  if (options.tlsCa !== undefined) {
    if (!target.right.tls) return problem("tlsCa", tlsCaWithoutTlsRule)
    if (!pemCertificatePattern.test(options.tlsCa)) return problem("tlsCa", tlsCaRule)
  }

  return Either.right({
    target: target.right,
    tlsCa: options.tlsCa,
    layout: { prefix: keyPrefix, shards },
    commandTimeoutMillis,
    connectTimeoutMillis,
    maxRetriesPerRequest,
    maxReconnectDelayMillis
  })
}

/** Options of a single-endpoint store, the only kind a plain ioredis `Redis` client can use. */
export type StandaloneOptions = ResolvedOptions & { readonly target: RedisTarget }

export const isStandalone = (options: ResolvedOptions): options is StandaloneOptions => options.target._tag === "Standalone"
