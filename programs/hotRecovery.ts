import { Clock, Context, Duration, Effect, Metric, Option } from "effect"
import type { IntegrityFailure, StoreUnavailable } from "../domain/errors.ts"
import { type DraftKey, draftKeyString } from "../domain/keys.ts"
import { type CurrentRecord, readHot, readHotThenDurable } from "./current.ts"
import { DraftsConfig } from "./DraftsConfig.ts"
import { HotOutage, type HotOutageShape } from "./HotOutage.ts"
import { type JournaledDraft, type JournalView, listJournal } from "./journal.ts"
import { observeHotStore } from "./observedHotStore.ts"
import { directSavesCounter, directSavesOpenGauge, verifyModeGauge } from "./outageMetrics.ts"
import { directSavesOpen, healthyForFence, initialOutageState, recordCall } from "./outageState.ts"
import { DurableStore } from "./ports/DurableStore.ts"
import { HotStore, type HotStoreShape } from "./ports/HotStore.ts"
import { readDurableRolled } from "./rolledRead.ts"
import { readBothTiers } from "./verifiedRead.ts"

/** Journaled drafts repaired at once in a recovery round. */
const repairConcurrency = 4

/** After the first failed recovery round, only every this many consecutive failures is logged. */
const failureLogEvery = 20

/**
 * Builds this instance's outage handling over the stores in context, and the hot store the
 * programs must use so that every call's outcome reaches it. Without `putIfAbsent` on the
 * durable store no direct save can happen, so the hot store is returned unwrapped and
 * reads never consult the journal.
 */
export const makeHotOutage: Effect.Effect<
  { readonly hot: HotStoreShape; readonly outage: HotOutageShape },
  never,
  HotStore | DurableStore | DraftsConfig
> = Effect.gen(function* () {
  const innerHot = yield* HotStore
  const durable = yield* DurableStore
  const fenceMillis = Duration.toMillis((yield* DraftsConfig).hotOutageFence)

  if (durable.putIfAbsent === undefined) {
    const stores = Context.make(HotStore, innerHot).pipe(Context.add(DurableStore, durable))
    const inactive: HotOutageShape = {
      readCurrent: (key, now) => Effect.provide(readHotThenDurable(key, now), stores),
      mustReadBeforeWrite: () => Effect.succeed(false),
      directSaveWindow: () => Effect.succeed(Option.none()),
      stillFailingSince: () => Effect.succeed(false),
      countDirectSave: Effect.void,
      recoveryRound: Effect.void
    }
    return { hot: innerHot, outage: inactive }
  }

  const state = initialOutageState()
  let view: { readonly epoch: number; readonly drafts: JournalView } | undefined
  let directSavesAnnounced = false
  let failedRounds = 0
  let listingFailed = false
  const listing = yield* Effect.makeSemaphore(1)
  yield* Metric.set(verifyModeGauge, 1)

  const record = (available: boolean) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const transition = recordCall(state, available, now)
      if (transition === "outage-began") {
        yield* Metric.set(verifyModeGauge, 1)
        yield* Effect.logWarning("The hot tier failed: journaled drafts are read from both tiers until it recovers.")
      } else if (transition === "outage-ended") {
        directSavesAnnounced = false
        yield* Metric.set(directSavesOpenGauge, 0)
        yield* Effect.logInfo("The hot tier responds again: drafts saved directly meanwhile are repaired in the hot tier.")
      }
    }).pipe(Effect.annotateLogs({ module: "HotOutage" }))

  const hot = observeHotStore(innerHot, record)
  const stores = Context.make(HotStore, hot).pipe(Context.add(DurableStore, durable))
  const withStores = <A, E>(effect: Effect.Effect<A, E, HotStore | DurableStore>) => Effect.provide(effect, stores)

  /**
   * The journal as listed after the last failure, or none while the last call failed or
   * the durable tier cannot list it. Concurrent readers share one listing.
   */
  const currentView = listing.withPermits(1)(
    Effect.gen(function* () {
      if (view !== undefined && view.epoch === state.epoch) return Option.some(view.drafts)
      if (state.healthySince === undefined) return Option.none<JournalView>()

      const epoch = state.epoch
      const drafts = yield* withStores(listJournal)
      listingFailed = false
      if (state.epoch !== epoch) return Option.none<JournalView>()
      view = { epoch, drafts }
      return Option.some(drafts)
    }).pipe(
      Effect.catchAll((error) => {
        // Logged once per run of failed listings, because every read retries the listing.
        const first = !listingFailed
        listingFailed = true
        const warn = Effect.logWarning("Listing the journal failed; reads use the hot tier alone until it can be listed.")
        return (first ? warn : Effect.void).pipe(
          Effect.annotateLogs({ module: "HotOutage", method: error.method }),
          Effect.as(Option.none<JournalView>())
        )
      })
    )
  )

  // One hot-tier call at startup shows whether the tier responds; the observer records a failure
  // and logs it. The journal is then listed before the first request, which needs no listing.
  yield* Effect.ignore(hot.pendingCount)
  yield* currentView

  // NOTE: while the journal cannot be listed, a journaled draft is read from the hot tier alone and may be stale.
  const readVerifying = (key: DraftKey, now: number) =>
    Effect.gen(function* () {
      const fromHot = yield* Effect.either(withStores(readHot(key, now)))
      if (fromHot._tag === "Left") {
        const error = fromHot.left
        if (error._tag !== "StoreUnavailable" || error.tier !== "hot") return yield* error
        const fromDurable = yield* withStores(readDurableRolled(key, now))
        return Option.isSome(fromDurable) ? fromDurable : yield* error
      }

      const drafts = yield* currentView
      if (Option.isSome(drafts) && drafts.value.has(draftKeyString(key))) return yield* withStores(readBothTiers(key, now))
      return Option.isSome(fromHot.right) ? fromHot.right : yield* withStores(readDurableRolled(key, now))
    })

  const readCurrent = (key: DraftKey, now: number): Effect.Effect<Option.Option<CurrentRecord>, StoreUnavailable | IntegrityFailure> =>
    state.verifying ? readVerifying(key, now) : withStores(readHotThenDurable(key, now))

  const mustReadBeforeWrite = (key: DraftKey) =>
    state.verifying
      ? Effect.map(currentView, Option.match({ onNone: () => true, onSome: (drafts) => drafts.has(draftKeyString(key)) }))
      : Effect.succeed(false)

  const directSaveWindow = (now: number) =>
    Effect.gen(function* () {
      if (!directSavesOpen(state, now, fenceMillis) || state.failingSince === undefined) return Option.none<number>()
      if (!directSavesAnnounced) {
        directSavesAnnounced = true
        yield* Metric.set(directSavesOpenGauge, 1)
        yield* Effect.logWarning(
          `The hot tier has failed every call for ${now - state.failingSince} ms: saves go straight to the durable tier.`
        ).pipe(Effect.annotateLogs({ module: "HotOutage" }))
      }
      return Option.some(state.failingSince)
    })

  /** Repairs one journaled draft's hot record, then deletes the markers that named it. */
  const repair = (drafts: JournalView, draft: JournaledDraft, now: number) =>
    withStores(readBothTiers(draft.key, now)).pipe(
      Effect.asVoid,
      Effect.catchTag("IntegrityFailure", (error: IntegrityFailure) =>
        Effect.logError("A journaled draft failed its integrity check; its journal markers are dropped.").pipe(
          Effect.annotateLogs({ draftKey: draftKeyString(draft.key), reason: error.reason })
        )
      ),
      Effect.zipRight(durable.delete(draft.markers)),
      Effect.tap(() => Effect.sync(() => drafts.delete(draftKeyString(draft.key))))
    )

  const round = Effect.gen(function* () {
    if (!state.verifying || state.healthySince === undefined) return

    const now = yield* Clock.currentTimeMillis
    const epoch = state.epoch
    const longEnough = healthyForFence(state, now, fenceMillis)
    const drafts = yield* withStores(listJournal)
    if (state.epoch !== epoch) return
    view = { epoch, drafts }

    if (drafts.size === 0) {
      if (!longEnough) return
      state.verifying = false
      yield* Metric.set(verifyModeGauge, 0)
      // Epoch 0 means no hot-tier call has failed since startup, so this was only the startup check.
      yield* epoch === 0
        ? Effect.logDebug("No direct saves are waiting for repair in the journal.")
        : Effect.logInfo("The journal is empty: reads use the hot tier alone again.")
      return
    }
    yield* Effect.forEach([...drafts.values()], (draft) => repair(drafts, draft, now), {
      concurrency: repairConcurrency,
      discard: true
    })
  })

  const recoveryRound = round.pipe(
    Effect.tap(() => Effect.sync(() => (failedRounds = 0))),
    Effect.catchAll((error) => {
      failedRounds += 1
      if (failedRounds !== 1 && failedRounds % failureLogEvery !== 0) return Effect.void
      return Effect.logWarning("A hot-tier recovery round failed; the next round retries.").pipe(
        Effect.annotateLogs({ error: error._tag, method: error.method, consecutiveFailures: failedRounds })
      )
    }),
    Effect.annotateLogs({ module: "HotOutage" })
  )

  const outage: HotOutageShape = {
    readCurrent,
    mustReadBeforeWrite,
    directSaveWindow,
    stillFailingSince: (since) => Effect.sync(() => state.failingSince === since),
    countDirectSave: Metric.increment(directSavesCounter),
    recoveryRound
  }
  return { hot, outage }
})

/** Provides `HotOutage` and the observed hot store to a program context. */
export const withHotOutage = <R>(context: Context.Context<R | HotStore | DurableStore | DraftsConfig>) =>
  Effect.map(makeHotOutage.pipe(Effect.provide(context)), ({ hot, outage }) =>
    context.pipe(Context.add(HotStore, hot), Context.add(HotOutage, outage))
  )
