import { ConfigError } from "effect"

/** Lists one line per invalid or missing setting, putting the variable in front of Effect's own messages. */
const configLines = (error: ConfigError.ConfigError): Array<string> => {
  switch (error._op) {
    case "And":
    case "Or":
      return [...configLines(error.left), ...configLines(error.right)]
    case "InvalidData":
    case "Unsupported": {
      const name = error.path.join(".")
      return [error.message.startsWith(`${name} `) ? error.message : `${name} is invalid: ${error.message}`]
    }
    case "MissingData":
      return [`${error.path.join(".")} is missing: ${error.message}`]
    case "SourceUnavailable":
      return [`${error.path.join(".")} could not be read: ${error.message}`]
  }
}

/** Node's reason for a failed listen, which names the address but no request data. */
const listenReason = (cause: unknown): string =>
  cause instanceof Error && cause.message !== "" ? cause.message : "the address could not be bound"

/**
 * Describes a failure of startup or of a command for a person at a terminal: the setting or
 * the field, the rule it broke and the fix. Messages of this project never contain a draft's
 * content, so they are shown as they are.
 */
export const describeFailure = (error: unknown): string => {
  if (ConfigError.isConfigError(error)) {
    return `${configLines(error).join("\n")}\nREADME.md (Configuration) lists every setting and its default.`
  }
  if (!(error instanceof Error)) return String(error)

  const tag = "_tag" in error ? String(error._tag) : error.name
  if (tag === "ServeError") {
    const reason = listenReason("cause" in error ? error.cause : undefined)
    return `The HTTP server could not listen: ${reason}. Stop the process that uses the address, or set HOST and PORT to a free one (PORT=0 picks a free port).`
  }
  if (error.message !== "") return error.message
  return error.cause instanceof Error ? `${tag}: ${error.cause.message}` : tag
}
