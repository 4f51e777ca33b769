import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect } from "effect"
import { describeSelection } from "../adapters/configuredLayer.ts"

const describeWith = (variables: Record<string, string>) =>
  Effect.withConfigProvider(describeSelection, ConfigProvider.fromMap(new Map(Object.entries(variables))))

describe("describeSelection", () => {
  it.effect("names each selected tier", () =>
    Effect.gen(function* () {
      expect(yield* describeWith({})).toBe("hot tier: in-memory, durable tier: filesystem")
      expect(yield* describeWith({ REDIS_URL: "redis://127.0.0.1:1" })).toBe("hot tier: Redis, durable tier: filesystem")
      expect(yield* describeWith({ REDIS_CLUSTER_URL: "redis://127.0.0.1:1", CLAIM_DRAFTS_S3_BUCKET: "drafts" })).toBe(
        "hot tier: Redis Cluster, durable tier: S3"
      )
    }))

  it.effect("shows no part of a URL", () =>
    Effect.gen(function* () {
      const description = yield* describeWith({ REDIS_CLUSTER_URL: "redis://operator:hunter2@127.0.0.1:1" })
      expect(description).not.toContain("hunter2")
      expect(description).not.toContain("127.0.0.1")
    }))
})
