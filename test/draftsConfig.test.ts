import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Either, Layer } from "effect"
import { DraftsConfig, maxDepthLimit } from "../programs/DraftsConfig.ts"

const readWith = (variables: Record<string, string>) => {
  const provider = Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(variables))))
  return Effect.either(Effect.provide(DraftsConfig, DraftsConfig.layerConfig.pipe(Layer.provide(provider))))
}

describe("DraftsConfig.layerConfig", () => {
  it.effect("accepts a nesting limit up to its bound", () =>
    Effect.gen(function* () {
      const config = yield* readWith({ CLAIM_DRAFTS_MAX_DEPTH: String(maxDepthLimit) })
      expect(Either.getOrThrow(config).maxDepth).toBe(maxDepthLimit)
    }))

  it.effect("rejects a nesting limit above its bound, naming the variable and the bound", () =>
    Effect.gen(function* () {
      const config = yield* readWith({ CLAIM_DRAFTS_MAX_DEPTH: String(maxDepthLimit + 1) })
      expect(Either.isLeft(config)).toBe(true)
      expect(String(Either.isLeft(config) ? config.left : "")).toContain(
        `CLAIM_DRAFTS_MAX_DEPTH is invalid: it must be a whole number from 1 to ${maxDepthLimit}`
      )
    }))

  it.effect("rejects a fence within the write-behind interval", () =>
    Effect.gen(function* () {
      const config = yield* readWith({ CLAIM_DRAFTS_HOT_OUTAGE_FENCE: "500 millis" })
      expect(Either.isLeft(config)).toBe(true)
      expect(String(Either.isLeft(config) ? config.left : "")).toContain("CLAIM_DRAFTS_HOT_OUTAGE_FENCE is invalid: it must be longer than 500 ms")
    }))

  it.effect("reads the fence as a duration", () =>
    Effect.gen(function* () {
      const config = yield* readWith({ CLAIM_DRAFTS_HOT_OUTAGE_FENCE: "8 seconds" })
      expect(Either.map(config, (read) => Duration.toMillis(read.hotOutageFence))).toEqual(Either.right(8_000))
    }))

  it.effect("names the variable, the rule and the default, never the value", () =>
    Effect.gen(function* () {
      const cases = [
        ["CLAIM_DRAFTS_MAX_DEPTH", "abc", "a whole number from 1 to 1000", "(32)"],
        ["CLAIM_DRAFTS_MAX_DOCUMENT_BYTES", "1e6", "a whole number of at least 1", "(262144)"],
        ["CLAIM_DRAFTS_PENDING_LIMIT", "-7", "a whole number of at least 1", "(100000)"],
        ["CLAIM_DRAFTS_RETENTION", "60days-typo", `a duration such as "7 days"`, "(7d)"]
      ] as const

      for (const [name, value, rule, fallback] of cases) {
        const config = yield* readWith({ [name]: value })
        const message = String(Either.isLeft(config) ? config.left : "")
        expect(message).toContain(`${name} is invalid: it must be ${rule}`)
        expect(message).toContain(`unset it to use the default ${fallback}`)
        expect(message).not.toContain(value)
      }
    }))

  it.effect("reads durations in Effect's notation", () =>
    Effect.gen(function* () {
      const config = yield* readWith({ CLAIM_DRAFTS_RETENTION: "3 days", CLAIM_DRAFTS_MAX_DOCUMENT_BYTES: "1024" })
      expect(Either.map(config, (read) => Duration.toDays(read.idleRetention))).toEqual(Either.right(3))
      expect(Either.map(config, (read) => read.maxDocumentBytes)).toEqual(Either.right(1024))
    }))
})
