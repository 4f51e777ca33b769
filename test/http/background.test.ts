import { randomBytes } from "node:crypto"
import { Duration, Effect, Layer, Logger, Option, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { DurableFaults } from "../../adapters/faults/FaultyDurableStore.ts"
import * as FaultyDurableStore from "../../adapters/faults/FaultyDurableStore.ts"
import * as LocalKeyring from "../../adapters/keyring/LocalKeyring.ts"
import * as MemoryDurableStore from "../../adapters/memory/MemoryDurableStore.ts"
import * as MemoryHotStore from "../../adapters/memory/MemoryHotStore.ts"
import { persistPendingNow } from "../../adapters/persistOnShutdown.ts"
import * as WriteBehind from "../../adapters/writeBehind.ts"
import { Drafts } from "../../programs/Drafts.ts"
import { DraftsConfig } from "../../programs/DraftsConfig.ts"
import { Create } from "../../programs/model.ts"
import { DurableStore } from "../../programs/ports/DurableStore.ts"
import { draftId, ownerId } from "../support/draftIds.ts"
import { createHeaders, send } from "./support/client.ts"
import { newDraftId, startHttpTestServer } from "./support/httpTestServer.ts"

const waitFor = async (condition: () => Promise<boolean>, attempts = 100) => {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await condition()) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}

describe("write-behind loop", () => {
  it("persists a saved draft after its debounce", async () => {
    const server = await startHttpTestServer({
      config: { persistDebounce: Duration.millis(200), persistMaxDelay: Duration.seconds(1) },
      background: WriteBehind.layerWithInterval(Duration.millis(100))
    })
    try {
      const token = await server.tokenFor("claimant-write-behind")
      const path = `/v1/drafts/${newDraftId()}`
      const created = await send(server, "PUT", path, { token, headers: createHeaders, body: '{"page":1}' })
      expect(created.json().durable).toBe(false)

      const durable = await waitFor(async () => (await send(server, "GET", path, { token })).headers.get("claim-drafts-durable") === "true")
      expect(durable).toBe(true)
    } finally {
      await server.close()
    }
  })

  it("logs failed rounds with counts and no ids", async () => {
    const server = await startHttpTestServer({
      config: { persistDebounce: Duration.millis(50), persistMaxDelay: Duration.millis(100), persistLease: Duration.seconds(30) },
      background: WriteBehind.layerWithInterval(Duration.millis(100))
    })
    try {
      const token = await server.tokenFor("claimant-write-behind")
      const id = newDraftId()
      const created = await send(server, "PUT", `/v1/drafts/${id}`, { token, headers: createHeaders, body: '{"page":1}' })
      expect(created.status).toBe(201)
      await server.failNextDurableCalls(1_000)

      const logged = await waitFor(async () => server.logs.some((line) => line.includes("failed to persist")))
      await server.clearFaults()
      expect(logged).toBe(true)

      const line = server.logs.find((entry) => entry.includes("failed to persist"))!
      expect(line).toContain("failed=1")
      expect(line).not.toContain(id)
      expect(line).not.toContain("claimant-write-behind")
    } finally {
      await server.close()
    }
  })
})

describe("write-behind failures", () => {
  it("log a failing round once, then its recovery", async () => {
    const server = await startHttpTestServer({ background: WriteBehind.layerWithInterval(Duration.millis(20)) })
    try {
      const failedRounds = () => server.logs.filter((line) => line.includes("A write-behind round failed"))

      await server.failNextHotCalls(1_000_000)
      expect(await waitFor(async () => failedRounds().length > 0)).toBe(true)
      // Rounds keep failing meanwhile (the 20th would be logged again, at least 380 ms after the
      // first); only the first is logged, and the recovery line counts them all.
      await new Promise((resolve) => setTimeout(resolve, 150))
      expect(failedRounds()).toHaveLength(1)
      expect(failedRounds()[0]).toContain("consecutiveFailures=1")

      await server.clearFaults()
      expect(await waitFor(async () => server.logs.some((line) => line.includes("succeed again")))).toBe(true)
      const recovery = server.logs.find((line) => line.includes("succeed again"))!
      expect(Number(/failedRounds=(\d+)/.exec(recovery)?.[1])).toBeGreaterThan(1)
    } finally {
      await server.close()
    }
  })
})

describe("persisting before shutdown", () => {
  const keyring = LocalKeyring.layer({
    keys: [{ id: "shutdown-unit", key: new Uint8Array(randomBytes(32)) }],
    secrets: { storageKeySecret: Redacted.make(new Uint8Array(randomBytes(32))), tokenSigningSecret: Option.none() },
    development: false
  })
  const durable = FaultyDurableStore.layer.pipe(Layer.provide(MemoryDurableStore.layer))
  const stack = Drafts.layer.pipe(
    Layer.provideMerge(Layer.mergeAll(MemoryHotStore.layer, durable, keyring, DraftsConfig.layer()))
  )

  const run = <A, E>(effect: Effect.Effect<A, E, Drafts | DurableStore | DurableFaults>) => {
    const logs: Array<string> = []
    const logger = Logger.replace(Logger.defaultLogger, Logger.make((entry) => logs.push(Logger.logfmtLogger.log(entry))))
    return Effect.runPromise(effect.pipe(Effect.provide(stack), Effect.provide(logger))).then((value) => ({ value, logs }))
  }

  const saveOne = Effect.flatMap(Drafts, (drafts) =>
    drafts.save({
      owner: ownerId("claimant-shutdown-unit"),
      draftId: draftId(newDraftId()),
      document: '{"page":1}',
      precondition: Create
    })
  )

  it("persists drafts that are not yet due", async () => {
    const { logs, value } = await run(
      Effect.gen(function* () {
        yield* saveOne
        yield* saveOne
        yield* persistPendingNow(Duration.seconds(10))
        return yield* Effect.flatMap(DurableStore, (store) => store.list(""))
      })
    )
    expect(value).toHaveLength(2)
    expect(logs.some((line) => line.includes("Persisted 2 pending draft(s) before shutdown."))).toBe(true)
  })

  it("stops at the deadline when the durable tier hangs", async () => {
    const { logs } = await run(
      Effect.gen(function* () {
        yield* saveOne
        yield* Effect.flatMap(DurableFaults, (faults) => faults.delayEach(Duration.hours(1)))
        yield* persistPendingNow(Duration.millis(200))
      })
    )
    const line = logs.find((entry) => entry.includes("the shutdown deadline passed"))
    expect(line).toBeDefined()
    expect(line).toContain("stillPending=1")
  })
})

