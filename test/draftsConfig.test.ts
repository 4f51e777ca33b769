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
      expect(String(Either.isLeft(config) ? config.left : "")).toContain(`CLAIM_DRAFTS_MAX_DEPTH must be at most ${maxDepthLimit}`)
    }))

  it.effect("rejects a fence within the write-behind interval", () =>
    Effect.gen(function* () {
      const config = yield* readWith({ CLAIM_DRAFTS_HOT_OUTAGE_FENCE: "500 millis" })
      expect(Either.isLeft(config)).toBe(true)
      expect(String(Either.isLeft(config) ? config.left : "")).toContain("CLAIM_DRAFTS_HOT_OUTAGE_FENCE must be longer than 500 ms")
    }))

  it.effect("reads the fence as a duration", () =>
    Effect.gen(function* () {
      const config = yield* readWith({ CLAIM_DRAFTS_HOT_OUTAGE_FENCE: "8 seconds" })
      expect(Either.map(config, (read) => Duration.toMillis(read.hotOutageFence))).toEqual(Either.right(8_000))
    }))
})
