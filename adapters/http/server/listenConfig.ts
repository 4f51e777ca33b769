import { Config, ConfigError, Either } from "effect"

/** Address and port the server listens on. */
export interface ListenOptions {
  /** HOST, default 127.0.0.1: loopback until a deployment opts in to more. */
  readonly host: string
  /** PORT, default 8787; 0 picks a free port. */
  readonly port: number
}

/**
 * Reads a TCP port from 0 to 65535 (0 picks a free port) from `name`. The message of an
 * invalid value names the rule and `whenUnset`, what leaving the variable out does.
 */
export const portConfig = (name: string, whenUnset: string): Config.Config<number> =>
  Config.string(name).pipe(
    Config.mapOrFail((text) => {
      const port = /^\d{1,5}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN
      if (port >= 0 && port <= 65535) return Either.right(port)

      const message = `${name} is invalid: it must be a whole number from 0 to 65535 (0 picks a free port). Fix it, or unset it to ${whenUnset}.`
      return Either.left(ConfigError.InvalidData([], message))
    })
  )

export const listenConfig: Config.Config<ListenOptions> = Config.all({
  host: Config.string("HOST").pipe(Config.withDefault("127.0.0.1")),
  port: portConfig("PORT", "use the default (8787)").pipe(Config.withDefault(8787))
})
