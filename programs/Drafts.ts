import { Context, Effect, Layer } from "effect"
import type { OwnerId } from "../domain/ids.ts"
import { Envelope } from "./crypto/Envelope.ts"
import { DraftsConfig } from "./DraftsConfig.ts"
import { HotOutage } from "./HotOutage.ts"
import { withHotOutage } from "./hotRecovery.ts"
import { flush, remove, removeAll, submit, sweepExpired } from "./lifecycle.ts"
import { countOperation, registerRareCounters } from "./metrics.ts"
import type { DeleteRequest, DraftRef, PatchRequest, SaveRequest, SubmitRequest } from "./model.ts"
import { persistAll, persistPending } from "./persist.ts"
import { DurableStore } from "./ports/DurableStore.ts"
import { HotStore } from "./ports/HotStore.ts"
import { list, load } from "./read.ts"
import { patch, save } from "./save.ts"
import { StorageKeys } from "./StorageKeys.ts"

/**
 * The draft use cases with their dependencies bound, for driving adapters (HTTP, CLI, the
 * Promise facade). Each method runs in a span named `Drafts.<method>` whose attributes
 * never include ids or document content, and counts its outcome in `metrics.ts`.
 */
/** Capturing a stack trace per span costs more than a whole in-memory save. */
const spanOptions = { captureStackTrace: false } as const

export const make = Effect.gen(function* () {
  const context = yield* Effect.flatMap(
    Effect.context<HotStore | DurableStore | Envelope | DraftsConfig | StorageKeys>(),
    withHotOutage
  )
  const outage = Context.get(context, HotOutage)
  yield* registerRareCounters
  const bind = <A, E>(name: string, effect: Effect.Effect<A, E, HotStore | DurableStore | Envelope | DraftsConfig | StorageKeys>) =>
    effect.pipe(Effect.provide(context), countOperation(name), Effect.withSpan(`Drafts.${name}`, spanOptions))

  return {
    save: (request: SaveRequest) => bind("save", save(request)),
    patch: (request: PatchRequest) => bind("patch", patch(request)),
    load: (ref: DraftRef) => bind("load", load(ref)),
    list: (owner: OwnerId) => bind("list", list(owner)),
    flush: (ref: DraftRef) => bind("flush", flush(ref)),
    submit: (request: SubmitRequest) => bind("submit", submit(request)),
    delete: (request: DeleteRequest) => bind("delete", remove(request)),
    deleteAll: (owner: OwnerId) => bind("deleteAll", removeAll(owner)),
    // The write-behind loop calls this every round, so recovery after an outage needs no loop of its own.
    persistPending: bind("persistPending", Effect.zipRight(outage.recoveryRound, persistPending)),
    persistAll: bind("persistAll", persistAll),
    sweepExpired: bind("sweepExpired", sweepExpired),
    pendingCount: bind("pendingCount", Effect.flatMap(HotStore, (hot) => hot.pendingCount))
  } as const
})

export class Drafts extends Context.Tag("claim-drafts/Drafts")<Drafts, Effect.Effect.Success<typeof make>>() {
  /** Needs the ports, `DraftsConfig` and `Secrets`; builds the envelope and storage keys itself. */
  static readonly layer = Layer.effect(Drafts, make).pipe(
    Layer.provide(Layer.mergeAll(Envelope.Default, StorageKeys.Default))
  )
}
