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
  /**
   * PEM client certificate, for a server that requires one (redis-server's default
   * `tls-auth-clients yes`); only with `rediss://` and together with `tlsKey`.
   */
  readonly tlsCert?: string
  /** PEM private key of `tlsCert`; read only when the client is created and never logged. */
  readonly tlsKey?: Redacted.Redacted<string>
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
  readonly tlsCert: string | undefined
  readonly tlsKey: Redacted.Redacted<string> | undefined
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

const tlsWithoutTlsRule =
  "unset unless the URL starts with rediss://, because TLS settings apply only to TLS; change the URL to rediss:// to encrypt the connection"

const certificateRule = "PEM text with at least one -----BEGIN CERTIFICATE----- block"

const privateKeyRule = "PEM text with a -----BEGIN PRIVATE KEY----- block (or an RSA or EC PRIVATE KEY block)"

/** Rules about the content of PEM text, which the environment supplies as files. */
export const pemRules: ReadonlySet<string> = new Set([certificateRule, privateKeyRule])

const pemCertificatePattern = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/

const pemPrivateKeyPattern = /-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (RSA |EC )?PRIVATE KEY-----/

/** Checks the TLS options against the URL's scheme and each other, returning the first problem. */
const checkTls = (options: RedisHotStoreOptions, isTls: boolean): Either.Either<void, OptionProblem> => {
  const { tlsCa, tlsCert, tlsKey } = options
  const setOptions = (["tlsCa", "tlsCert", "tlsKey"] as const).filter((option) => options[option] !== undefined)

  if (!isTls && setOptions.length > 0) return problem(setOptions[0]!, tlsWithoutTlsRule)
  if (tlsCa !== undefined && !pemCertificatePattern.test(tlsCa)) return problem("tlsCa", certificateRule)
  if (tlsCert !== undefined && tlsKey === undefined) return problem("tlsKey", "set together with the client certificate")
  if (tlsKey !== undefined && tlsCert === undefined) return problem("tlsCert", "set together with the client private key")
  if (tlsCert !== undefined && !pemCertificatePattern.test(tlsCert)) return problem("tlsCert", certificateRule)
  if (tlsKey !== undefined && !pemPrivateKeyPattern.test(Redacted.value(tlsKey))) return problem("tlsKey", privateKeyRule)
  return Either.void
}

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
  const tls = checkTls(options, target.right.tls)
  if (Either.isLeft(tls)) return Either.left(tls.left)

  return Either.right({
    target: target.right,
    tlsCa: options.tlsCa,
    tlsCert: options.tlsCert,
    tlsKey: options.tlsKey,
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
