import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Either, Fiber, Layer, Ref, Schedule } from "effect"
import * as FileDurableStore from "../adapters/filesystem/FileDurableStore.ts"
import { type KeyLayout, recordKey } from "../adapters/redis/redisKeys.ts"
import { Create, type DraftRef, Unconditional } from "../programs/model.ts"
import { draftId, ownerId } from "./support/draftIds.ts"
import { stackOver } from "./support/draftStack.ts"
import { type RedisCluster, startRedisCluster } from "./support/redisCluster.ts"
import { freshClusterStore, realSleep } from "./support/redisHotStoreLayer.ts"

// A failover drill on a real Redis Cluster: the primary that serves some drafts is SIGKILLed
// while a claimant keeps saving, and its replica takes over after the cluster node timeout.
// No version reported durable may be lost, and saves to every draft must work again.

let cluster: RedisCluster
let durableDirectory: string

beforeAll(async () => {
  cluster = await startRedisCluster({ nodeTimeoutMillis: 1_000 })
  durableDirectory = await mkdtemp(join(tmpdir(), "claim-drafts-failover-"))
})

afterAll(async () => {
  await cluster?.stop()
  if (durableDirectory !== undefined) await rm(durableDirectory, { recursive: true, force: true })
})

const layout: KeyLayout = { prefix: "cd", shards: 16 }

/** ETag recorded for a failed save, which the store may or may not have applied. */
const unknownEtag = ""

/** A version a save reported, or one a failed save may have written, with the document it stores. */
interface Version {
  readonly etag: string
  readonly document: string
}

/** Per draft: the newest version reported durable, and every version saved after it. */
interface DraftLedger {
  readonly durable: Version
  readonly later: Array<Version>
}

const drafts: ReadonlyArray<DraftRef> = Array.from({ length: 12 }, (_, index) => ({
  owner: ownerId(`claimant-failover-${index % 3}`),
  draftId: draftId(`failoverDraft${String(index).padStart(4, "0")}`)
}))

const documentOf = (index: number, version: number) => JSON.stringify({ page: version, claimant: { draft: index } })

/** Retries until the call succeeds, for at most 15 s of real time: enough for a failover and a slot table refresh. */
const eventually = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.retry(effect, Schedule.spaced("100 millis").pipe(Schedule.upTo("15 seconds")))

// The layers are built lazily, because the cluster and the directory are made in beforeAll.
const stack = stackOver({
  hot: Layer.unwrapEffect(Effect.sync(() => freshClusterStore(cluster, { commandTimeoutMillis: 1_000 }))),
  durable: Layer.unwrapEffect(Effect.sync(() => FileDurableStore.layer({ directory: durableDirectory })))
})

describe("RedisHotStore on Redis Cluster failover", () => {
  it.scopedLive("killed primary loses no durable save", () =>
    Effect.gen(function* () {
      const { drafts: programs, keyOf } = yield* stack()
      const ledgers = new Map<number, DraftLedger>()

      for (const [index, ref] of drafts.entries()) {
        const document = documentOf(index, 1)
        const saved = yield* programs.save({ ...ref, document, precondition: Create })
        const flushed = yield* programs.flush(ref)
        expect(flushed.durable).toBe(true)
        ledgers.set(index, { durable: { etag: saved.etag, document }, later: [] })
      }

      // The victim is the primary of the first draft's shard; a third of the drafts or so share it.
      const victimSlot = yield* Effect.promise(async () => {
        const client = cluster.nodes[0]!.client()
        try {
          return Number(await client.cluster("KEYSLOT", recordKey(layout, keyOf(drafts[0]!.owner, drafts[0]!.draftId))))
        } finally {
          client.disconnect()
        }
      })
      const victimPort = yield* Effect.promise(() => cluster.primaryOfSlot(victimSlot))

      // A claimant saves every draft in turn through the failover. A failed save may still
      // have been applied, so its version counts as possible but never as acknowledged.
      const stopSaving = yield* Ref.make(false)
      const saver = yield* Effect.fork(
        Effect.gen(function* () {
          let version = 2
          while (!(yield* Ref.get(stopSaving))) {
            for (const [index, ref] of drafts.entries()) {
              const document = documentOf(index, version)
              const result = yield* Effect.either(programs.save({ ...ref, document, precondition: Unconditional }))
              const ledger = ledgers.get(index)!
              ledger.later.push({ etag: Either.isRight(result) ? result.right.etag : unknownEtag, document })
            }
            version++
            yield* realSleep(50)
          }
        })
      )

      yield* realSleep(300)
      yield* Effect.promise(() => cluster.killPrimary(victimPort))
      yield* realSleep(500)
      yield* Ref.set(stopSaving, true)
      yield* Fiber.join(saver)

      const primaries = yield* Effect.promise(() => cluster.primaryPorts())
      expect(primaries).toHaveLength(3)
      expect(primaries).not.toContain(victimPort)

      // Every draft still reads as its durable version or a later save, with that save's document.
      for (const [index, ref] of drafts.entries()) {
        const ledger = ledgers.get(index)!
        const loaded = yield* eventually(programs.load(ref))
        const candidates = [ledger.durable, ...ledger.later]
        const match = candidates.find(
          (candidate) => candidate.document === loaded.document && (candidate.etag === unknownEtag || candidate.etag === loaded.etag)
        )
        expect(match, `draft ${index} returned a version older than its durable one`).toBeDefined()
      }

      // Saves and flushes work again on every draft, including those of the killed primary.
      for (const [index, ref] of drafts.entries()) {
        const document = documentOf(index, 1_000)
        const saved = yield* eventually(programs.save({ ...ref, document, precondition: Unconditional }))
        const flushed = yield* eventually(programs.flush(ref))
        expect(flushed.etag).toBe(saved.etag)
        expect(flushed.durable).toBe(true)
        expect((yield* programs.load(ref)).document).toBe(document)
      }
      expect(yield* programs.pendingCount).toBe(0)
    })
  )
})
