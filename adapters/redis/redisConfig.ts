import { Config, ConfigError, Either } from "effect"
import { defaults, type RedisHotStoreOptions, resolveOptions, type ResolvedOptions } from "./redisOptions.ts"

/** Environment variable of each option. */
export const environmentNames: Record<keyof RedisHotStoreOptions, string> = {
  url: "REDIS_URL",
  shards: "REDIS_PENDING_SHARDS",
  keyPrefix: "REDIS_KEY_PREFIX",
  commandTimeoutMillis: "REDIS_COMMAND_TIMEOUT_MS",
  connectTimeoutMillis: "REDIS_CONNECT_TIMEOUT_MS",
  maxRetriesPerRequest: "REDIS_MAX_RETRIES_PER_REQUEST",
  maxReconnectDelayMillis: "REDIS_MAX_RECONNECT_DELAY_MS"
}

/**
 * Reads the Redis hot store options from `REDIS_*` variables. Only `REDIS_URL` is required.
 * It is read as a secret because it may contain the password.
 */
export const redisHotStoreConfig: Config.Config<ResolvedOptions> = Config.all({
  url: Config.redacted(environmentNames.url),
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
  Config.mapOrFail((options) =>
    Either.mapLeft(resolveOptions(options), ({ option, rule }) =>
      ConfigError.InvalidData([environmentNames[option]], `${environmentNames[option]} is invalid: it must be ${rule}.`)
    )
  )
)
