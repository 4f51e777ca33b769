import { randomBytes } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Logger, Option, Redacted } from "effect"
import * as FaultyHotStore from "../adapters/faults/FaultyHotStore.ts"
import * as LocalKeyring from "../adapters/keyring/LocalKeyring.ts"
import * as MemoryDurableStore from "../adapters/memory/MemoryDurableStore.ts"
import * as MemoryHotStore from "../adapters/memory/MemoryHotStore.ts"
import * as monitoredPorts from "../adapters/monitoring/monitoredPorts.ts"
import { renderMetrics } from "../adapters/monitoring/prometheus.ts"
import { TierHealth } from "../adapters/monitoring/TierHealth.ts"
import type { DraftId, OwnerId } from "../domain/ids.ts"
import { Drafts } from "../programs/Drafts.ts"
import { DraftsConfig } from "../programs/DraftsConfig.ts"
import { Create } from "../programs/model.ts"

const keyring = () =>
  LocalKeyring.layer({
    keys: [{ id: "health-test", key: randomBytes(32) }],
    secrets: { storageKeySecret: Redacted.make(randomBytes(32)), tokenSigningSecret: Option.none() },
    development: false
  })

const stack = (messages: Array<string>) => {
  const ports = Layer.mergeAll(
    FaultyHotStore.layer.pipe(Layer.provide(MemoryHotStore.layer)),
    MemoryDurableStore.layer,
    keyring(),
    DraftsConfig.layer()
  )
  const monitored = monitoredPorts.layer.pipe(Layer.provideMerge(ports), Layer.provideMerge(TierHealth.layer))
  const logger = Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ message }) => messages.push(String(message)))
  )
  return Drafts.layer.pipe(Layer.provideMerge(monitored), Layer.provide(logger))
}

const owner = "health-owner" as OwnerId
const draftId = "health-draft-000001" as DraftId

describe("TierHealth", () => {
  it.effect("hot outage logged once, then recovery", () => {
    const messages: Array<string> = []
    return Effect.gen(function* () {
      const drafts = yield* Drafts
      const faults = yield* FaultyHotStore.HotFaults
      const health = yield* TierHealth

      yield* faults.failNext(100)
      for (let attempt = 0; attempt < 3; attempt++) {
        const result = yield* Effect.either(drafts.save({ owner, draftId, document: "{}", precondition: Create }))
        expect(Either.isLeft(result)).toBe(true)
        expect(Either.isLeft(result) ? result.left._tag : "success").toBe("StoreUnavailable")
      }

      const degraded = yield* health.snapshot
      expect(degraded.hot.available).toBe(false)
      expect(degraded.hot.failures).toBeGreaterThanOrEqual(3)
      expect(degraded.durable.available).toBe(true)
      expect(yield* renderMetrics).toContain('claim_drafts_tier_available{tier="hot"} 0')
      expect(messages.filter((line) => line.includes("hot tier is unavailable"))).toHaveLength(1)

      yield* faults.clear
      yield* drafts.save({ owner, draftId, document: "{}", precondition: Create })
      const recovered = yield* health.snapshot
      expect(recovered.hot.available).toBe(true)
      expect(yield* renderMetrics).toContain('claim_drafts_tier_available{tier="hot"} 1')
      expect(messages.filter((line) => line.includes("hot tier recovered"))).toHaveLength(1)
    }).pipe(Effect.provide(stack(messages)))
  })
})

describe("reads while the hot tier is down", () => {
  it.effect("unpersisted draft is unavailable, not missing", () =>
    Effect.gen(function* () {
      const drafts = yield* Drafts
      const faults = yield* FaultyHotStore.HotFaults
      yield* drafts.save({ owner, draftId, document: '{"page":1}', precondition: Create })

      yield* faults.failNext(100)
      const result = yield* Effect.either(drafts.load({ owner, draftId }))
      expect(Either.isLeft(result)).toBe(true)
      expect(Either.isLeft(result) ? result.left._tag : "success").toBe("StoreUnavailable")

      yield* faults.clear
      yield* drafts.flush({ owner, draftId })
      yield* faults.failNext(100)
      const durable = yield* drafts.load({ owner, draftId })
      expect(durable.tier).toBe("durable")
      expect(durable.document).toBe('{"page":1}')
    }).pipe(Effect.provide(stack([])))
  )
})
