import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, TestClock } from "effect"
import { makeLogThrottle } from "../../adapters/http/problems/logThrottle.ts"

describe("makeLogThrottle", () => {
  it.effect("logs once per window and counts the rest", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const throttled = makeLogThrottle(10_000)
      const warn = throttled("store", Effect.logWarning("store failed")).pipe(
        Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make((entry) => lines.push(Logger.logfmtLogger.log(entry)))))
      )

      yield* warn
      yield* warn
      yield* warn
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain("suppressedSinceLastLine=0")

      yield* TestClock.adjust("10 seconds")
      yield* warn
      expect(lines).toHaveLength(2)
      expect(lines[1]).toContain("suppressedSinceLastLine=2")
    })
  )

  it.effect("keeps separate windows per key", () =>
    Effect.gen(function* () {
      let count = 0
      const throttled = makeLogThrottle(10_000)
      const countCall = Effect.sync(() => void count++)

      yield* throttled("hot", countCall)
      yield* throttled("durable", countCall)
      yield* throttled("hot", countCall)
      expect(count).toBe(2)
    })
  )
})
