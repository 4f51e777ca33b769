import { Effect, FiberRef, HashSet, Logger, LogLevel, type Scope } from "effect"

/** Warnings the service logged during an entry, counted by message instead of printed. */
export interface LogCounter {
  readonly warnings: () => Readonly<Record<string, number>>
}

const messageText = (message: unknown): string =>
  Array.isArray(message) ? message.map(String).join(" ") : String(message)

/**
 * Replaces the loggers of the calling fiber, and of every fiber it forks, for the rest of the
 * scope: warnings are counted (a machine overloaded enough to trip a timeout logs hundreds of
 * them and would bury the tables), errors are still printed.
 */
export const countWarnings: Effect.Effect<LogCounter, never, Scope.Scope> = Effect.gen(function* () {
  const counts = new Map<string, number>()
  const logger = Logger.make(({ logLevel, message }) => {
    if (LogLevel.greaterThanEqual(logLevel, LogLevel.Error)) console.error(`service ${logLevel.label}: ${messageText(message)}`)
    else if (LogLevel.greaterThanEqual(logLevel, LogLevel.Warning)) {
      const text = messageText(message)
      counts.set(text, (counts.get(text) ?? 0) + 1)
    }
  })
  yield* Effect.locallyScopedWith(FiberRef.currentLoggers, () => HashSet.make(logger))
  return { warnings: () => Object.fromEntries(counts) }
})

/** One note per distinct warning, for an entry's notes. */
export const warningNotes = (counter: LogCounter): Array<string> =>
  Object.entries(counter.warnings()).map(([message, count]) => `the service logged ${count}× "${message}"`)
