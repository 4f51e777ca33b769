import { Clock, Effect } from "effect"

/**
 * Limits a repeated log line to one per `windowMillis` for each key, so an outage that fails
 * every request writes one line per window. The next line that passes reports how many
 * were suppressed before it.
 */
export const makeLogThrottle = (windowMillis: number) => {
  const lastLogged = new Map<string, { readonly at: number; readonly suppressed: number }>()

  return (key: string, log: Effect.Effect<void>): Effect.Effect<void> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const previous = lastLogged.get(key)
      if (previous !== undefined && now - previous.at < windowMillis) {
        lastLogged.set(key, { ...previous, suppressed: previous.suppressed + 1 })
        return Effect.void
      }

      lastLogged.set(key, { at: now, suppressed: 0 })
      return Effect.annotateLogs(log, { suppressedSinceLastLine: previous?.suppressed ?? 0 })
    })
}

/** Window of the 503 warnings of the HTTP adapter, in milliseconds. */
export const unavailableLogWindowMillis = 10_000
