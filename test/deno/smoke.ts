/**
 * Runs the domain and programs under Deno 2 on the in-memory layers and a local keyring:
 * a save, a patch, the loss of the hot tier, and a load restored from the durable tier.
 * Run by `npm test` as `deno run` on the same sources Node runs.
 */
import { randomBytes } from "node:crypto"
import { Effect, Layer, Option, Redacted } from "effect"
import * as LocalKeyring from "../../adapters/keyring/LocalKeyring.ts"
import * as MemoryDurableStore from "../../adapters/memory/MemoryDurableStore.ts"
import * as MemoryHotStore from "../../adapters/memory/MemoryHotStore.ts"
import type { DraftId, OwnerId } from "../../domain/ids.ts"
import { Drafts } from "../../programs/Drafts.ts"
import { DraftsConfig } from "../../programs/DraftsConfig.ts"
import { Create, Replace } from "../../programs/model.ts"

const keyring = LocalKeyring.layer({
  keys: [{ id: "deno-smoke", key: randomBytes(32) }],
  secrets: { storageKeySecret: Redacted.make(randomBytes(32)), tokenSigningSecret: Option.some(Redacted.make(randomBytes(32))) },
  development: false
})

const stack = Drafts.layer.pipe(
  Layer.provideMerge(
    Layer.mergeAll(MemoryHotStore.layerWithControl, MemoryDurableStore.layer, keyring, DraftsConfig.layer())
  )
)

const check = (condition: boolean, message: string) => {
  if (!condition) throw new Error(`Deno smoke test failed: ${message}`)
}

const program = Effect.gen(function* () {
  const drafts = yield* Drafts
  const loss = yield* MemoryHotStore.HotStoreLoss
  const owner = "deno-owner" as OwnerId
  const draftId = "deno-smoke-draft-0001" as DraftId

  const created = yield* drafts.save({ owner, draftId, document: '{"claimant":{"ssn":"900-12-3456"}}', precondition: Create })
  const patched = yield* drafts.patch({ owner, draftId, patch: '{"page":2}', precondition: Replace(created.etag) })
  yield* drafts.flush({ owner, draftId })
  yield* loss.loseEverything

  const restored = yield* drafts.load({ owner, draftId })
  check(restored.tier === "durable", `expected a durable-tier read, got ${restored.tier}`)
  check(restored.etag === patched.etag, "restored version differs from the flushed one")
  check(JSON.parse(restored.document).page === 2, "patched field missing after restore")
  console.log("deno smoke: 1 passed, 0 failed")
})

await Effect.runPromise(program.pipe(Effect.provide(stack)))
