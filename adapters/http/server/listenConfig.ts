import { Config } from "effect"

/** Address and port the server listens on. */
export interface ListenOptions {
  /** HOST, default 127.0.0.1: loopback until a deployment opts in to more. */
  readonly host: string
  /** PORT, default 8787; 0 picks a free port. */
  readonly port: number
}

export const listenConfig: Config.Config<ListenOptions> = Config.all({
  host: Config.string("HOST").pipe(Config.withDefault("127.0.0.1")),
  port: Config.integer("PORT").pipe(
    Config.validate({ message: "PORT must be a whole number from 0 to 65535", validation: (port) => port >= 0 && port <= 65535 }),
    Config.withDefault(8787)
  )
})
