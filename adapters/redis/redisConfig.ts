import { readFileSync } from "node:fs"
import { Config, ConfigError, Either, Option, Redacted } from "effect"
import {
  defaults,
  endpointRule,
  pemRules,
  type RedisHotStoreOptions,
  resolveOptions,
  type ResolvedOptions
} from "./redisOptions.ts"

/** Environment variable of each option; the TLS options are read from the files their variables name. */
export const environmentNames: Record<keyof RedisHotStoreOptions, string> = {
  url: "REDIS_URL",
  clusterUrl: "REDIS_CLUSTER_URL",
  tlsCa: "REDIS_TLS_CA_FILE",
  tlsCert: "REDIS_TLS_CERT_FILE",
  tlsKey: "REDIS_TLS_KEY_FILE",
  shards: "REDIS_PENDING_SHARDS",
  keyPrefix: "REDIS_KEY_PREFIX",
  commandTimeoutMillis: "REDIS_COMMAND_TIMEOUT_MS",
  connectTimeoutMillis: "REDIS_CONNECT_TIMEOUT_MS",
  maxRetriesPerRequest: "REDIS_MAX_RETRIES_PER_REQUEST",
  maxReconnectDelayMillis: "REDIS_MAX_RECONNECT_DELAY_MS"
}

type FileOption = "tlsCa" | "tlsCert" | "tlsKey"

/**
 * Reads a PEM file at startup, or nothing when its variable is unset. A failure names the
 * variable, the path and the system error code, never file contents.
 */
const readPemFile = (option: FileOption, path: string | undefined): Either.Either<string | undefined, ConfigError.ConfigError> => {
  if (path === undefined) return Either.right(undefined)

  try {
    return Either.right(readFileSync(path, "utf8"))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error"
    const name = environmentNames[option]
    return Either.left(
      ConfigError.InvalidData([name], `${name} is invalid: the file ${path} could not be read (${code}). Set it to the path of a readable PEM file.`)
    )
  }
}

const problemMessage = (option: keyof RedisHotStoreOptions, rule: string): string => {
  if (rule === endpointRule) {
    return `Set exactly one of ${environmentNames.url} (one endpoint) and ${environmentNames.clusterUrl} (Redis Cluster seed nodes).`
  }
  const name = environmentNames[option]
  if (pemRules.has(rule)) return `${name} is invalid: it must name a file of ${rule}.`
  return `${name} is invalid: it must be ${rule}.`
}

const optional = <A>(config: Config.Config<A>) => Config.map(Config.option(config), Option.getOrUndefined)

/**
 * Reads the Redis hot store options from `REDIS_*` variables. Exactly one of `REDIS_URL` and
 * `REDIS_CLUSTER_URL` is required; both are read as secrets because they may contain the password.
 */
export const redisHotStoreConfig: Config.Config<ResolvedOptions> = Config.all({
  url: optional(Config.redacted(environmentNames.url)),
  clusterUrl: optional(Config.redacted(environmentNames.clusterUrl)),
  tlsCaFile: optional(Config.string(environmentNames.tlsCa)),
  tlsCertFile: optional(Config.string(environmentNames.tlsCert)),
  tlsKeyFile: optional(Config.string(environmentNames.tlsKey)),
  shards: Config.integer(environmentNames.shards).pipe(Config.withDefault(defaults.shards)),
  keyPrefix: Config.string(environmentNames.keyPrefix).pipe(Config.withDefault(defaults.keyPrefix)),
  commandTimeoutMillis: Config.integer(environmentNames.commandTimeoutMillis).pipe(
    Config.withDefault(defaults.commandTimeoutMillis)
  ),
  connectTimeoutMillis: Config.integer(environmentNames.connectTimeoutMillis).pipe(
    Config.withDefault(defaults.connectTimeoutMillis)
  ),
  maxRetriesPerRequest: Config.integer(environmentNames.maxRetriesPerRequest).pipe(
    Config.withDefault(defaults.maxRetriesPerRequest)
  ),
  maxReconnectDelayMillis: Config.integer(environmentNames.maxReconnectDelayMillis).pipe(
    Config.withDefault(defaults.maxReconnectDelayMillis)
  )
}).pipe(
  Config.mapOrFail(({ url, clusterUrl, tlsCaFile, tlsCertFile, tlsKeyFile, ...rest }) => {
    const tlsCa = readPemFile("tlsCa", tlsCaFile)
    if (Either.isLeft(tlsCa)) return Either.left(tlsCa.left)
    const tlsCert = readPemFile("tlsCert", tlsCertFile)
    if (Either.isLeft(tlsCert)) return Either.left(tlsCert.left)
    const tlsKey = readPemFile("tlsKey", tlsKeyFile)
    if (Either.isLeft(tlsKey)) return Either.left(tlsKey.left)

    const options: RedisHotStoreOptions = {
      ...rest,
      ...(url === undefined ? {} : { url }),
      ...(clusterUrl === undefined ? {} : { clusterUrl }),
      ...(tlsCa.right === undefined ? {} : { tlsCa: tlsCa.right }),
      ...(tlsCert.right === undefined ? {} : { tlsCert: tlsCert.right }),
      ...(tlsKey.right === undefined ? {} : { tlsKey: Redacted.make(tlsKey.right) })
    }
    return Either.mapLeft(resolveOptions(options), ({ option, rule }) =>
      ConfigError.InvalidData([environmentNames[option]], problemMessage(option, rule))
    )
  })
)
