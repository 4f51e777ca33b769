import { describe, expect, it } from "@effect/vitest"
import { type Config, ConfigProvider, Effect, Either, Option } from "effect"
import { listenConfig } from "../../adapters/http/server/listenConfig.ts"
import { metricsListenConfig } from "../../adapters/monitoring/metricsConfig.ts"

const readWith = <A>(config: Config.Config<A>, variables: Record<string, string>) =>
  Effect.either(Effect.withConfigProvider(config, ConfigProvider.fromMap(new Map(Object.entries(variables)))))

describe("listen settings", () => {
  it.effect("PORT defaults to 8787 and accepts 0", () =>
    Effect.gen(function* () {
      expect(Either.map(yield* readWith(listenConfig, {}), (listen) => listen.port)).toEqual(Either.right(8787))
      expect(Either.map(yield* readWith(listenConfig, { PORT: "0" }), (listen) => listen.port)).toEqual(Either.right(0))
    }))

  it.effect("metrics stay off without their port", () =>
    Effect.gen(function* () {
      expect(yield* readWith(metricsListenConfig, {})).toEqual(Either.right(Option.none()))
    }))

  it.effect("invalid ports name the rule and what unset means", () =>
    Effect.gen(function* () {
      const cases = [
        [listenConfig, "PORT", "65536", "unset it to use the default (8787)"],
        [metricsListenConfig, "CLAIM_DRAFTS_METRICS_PORT", "nine", "unset it to turn metrics off"]
      ] as const

      for (const [config, name, value, whenUnset] of cases) {
        const read = yield* readWith<unknown>(config, { [name]: value })
        const message = String(Either.isLeft(read) ? read.left : "")
        expect(message).toContain(`${name} is invalid: it must be a whole number from 0 to 65535`)
        expect(message).toContain(whenUnset)
        expect(message).not.toContain(value)
      }
    }))
})
