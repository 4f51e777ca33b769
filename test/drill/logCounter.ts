import { Layer, Logger, LogLevel } from "effect"

/**
 * Counts log lines by level and message instead of printing them: a fault makes the
 * programs log the same warning hundreds of times, and the counts show which faults the
 * programs noticed. Messages of this code base carry no draft content.
 */
export class LogCounter {
  private readonly counts = new Map<string, { readonly level: LogLevel.LogLevel; readonly message: string; count: number }>()

  readonly layer: Layer.Layer<never> = Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ logLevel, message }) => {
      const text = String(Array.isArray(message) ? message[0] : message)
      const key = `${logLevel.label} ${text}`
      const entry = this.counts.get(key) ?? { level: logLevel, message: text, count: 0 }
      entry.count += 1
      this.counts.set(key, entry)
    })
  )

  /** Lines at or above `level`, most frequent first, as "LEVEL xN: message". */
  summary(level: LogLevel.LogLevel): Array<string> {
    return [...this.counts.values()]
      .filter((entry) => LogLevel.greaterThanEqual(entry.level, level))
      .sort((a, b) => b.count - a.count)
      .map((entry) => `${entry.level.label} x${entry.count}: ${entry.message}`)
  }
}
