import { Config, ConfigError, Either } from "effect"

/** Address and port the server listens on. */
export interface ListenOptions {
  /** HOST, default 127.0.0.1: loopback until a deployment opts in to more. */
  readonly host: string
  /** PORT, default 8787; 0 picks a free port. */
  readonly port: number
}

const invalidPort = ConfigError.InvalidData(
  [],
  "PORT is invalid: it must be a whole number from 0 to 65535 (0 picks a free port). Fix it, or unset it to use the default (8787)."
)

export const listenConfig: Config.Config<ListenOptions> = Config.all({
  host: Config.string("HOST").pipe(Config.withDefault("127.0.0.1")),
  port: Config.string("PORT").pipe(
    Config.mapOrFail((text) => {
      const port = /^\d{1,5}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN
      return port >= 0 && port <= 65535 ? Either.right(port) : Either.left(invalidPort)
    }),
    Config.withDefault(8787)
  )
})
