import { randomBytes } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { HotStoreLoss } from "../adapters/memory/HotStoreLoss.ts"
import * as S3DurableStore from "../adapters/s3/S3DurableStore.ts"
import { Create } from "../programs/model.ts"
import { draftId, ownerId } from "./support/draftIds.ts"
import { stackOver } from "./support/draftStack.ts"
import { redisStoreLayer } from "./support/redisHotStoreLayer.ts"
import { useRealServers } from "./support/realServers.ts"

// Saves while the durable tier is down, on a real redis-server and s3rver: stopping s3rver
// makes every S3 call fail with ECONNREFUSED, as an S3 outage does.

const servers = useRealServers()

const realStack = () =>
  stackOver({
    hot: Layer.merge(
      Layer.suspend(() => redisStoreLayer(servers.redis().url, { keyPrefix: `unverified-${randomBytes(6).toString("hex")}` })),
      Layer.succeed(HotStoreLoss, { loseEverything: Effect.promise(() => servers.redis().flushAll()) })
    ),
    durable: Layer.suspend(() => S3DurableStore.layer({ ...servers.s3().settings, prefix: `unverified-${randomBytes(6).toString("hex")}` }))
  })()

const owner = ownerId("claimant-unverified-real")

/** Runs `during` with s3rver stopped, and starts it again whatever happens. */
const withS3Stopped = <A, E, R>(during: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(servers.s3().stop, () => during, () => servers.s3().start)

describe("unverified saves on Redis and s3rver", () => {
  it.scopedLive("create while S3 is down is persisted once it is back", () =>
    Effect.gen(function* () {
      const stack = yield* realStack()
      const ref = { owner, draftId: draftId(`real-new-${randomBytes(8).toString("hex")}`) }

      const created = yield* withS3Stopped(stack.drafts.save({ ...ref, document: '{"page":1}', precondition: Create }))
      expect(created.durable).toBe(false)

      expect(yield* stack.drafts.persistAll).toMatchObject({ persisted: 1, failed: 0 })
      yield* stack.loseHotTier
      const loaded = yield* stack.drafts.load(ref)
      expect(loaded).toMatchObject({ etag: created.etag, durable: true, tier: "durable", document: '{"page":1}' })
    }),
    60_000
  )

  it.scopedLive("a draft Redis lost wins over a create while S3 was down", () =>
    Effect.gen(function* () {
      const stack = yield* realStack()
      const ref = { owner, draftId: draftId(`real-old-${randomBytes(8).toString("hex")}`) }
      const original = yield* stack.drafts.save({ ...ref, document: '{"page":"original"}', precondition: Create })
      expect((yield* stack.drafts.flush(ref)).durable).toBe(true)
      yield* stack.loseHotTier
      // The create below takes its seq from the clock, so it must come at a later millisecond.
      yield* Effect.sleep("5 millis")

      const unverified = yield* withS3Stopped(
        stack.drafts.save({ ...ref, document: '{"page":"unverified"}', precondition: Create })
      )
      expect(unverified.durable).toBe(false)
      expect((yield* stack.drafts.load(ref)).document).toBe('{"page":"unverified"}')

      expect(yield* stack.drafts.persistAll).toMatchObject({ persisted: 1, failed: 0 })
      const loaded = yield* stack.drafts.load(ref)
      expect(loaded).toMatchObject({ etag: original.etag, durable: true, document: '{"page":"original"}' })
      expect(yield* stack.drafts.pendingCount).toBe(0)
    }),
    60_000
  )
})
