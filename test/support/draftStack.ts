import { randomBytes } from "node:crypto"
import { Context, Effect, Layer, Option, Redacted, type Scope } from "effect"
import * as LocalKeyring from "../../adapters/keyring/LocalKeyring.ts"
import type { KeyringMaterial } from "../../adapters/keyring/keyMaterial.ts"
import { HotStoreLoss } from "../../adapters/memory/HotStoreLoss.ts"
import type { FaultControl } from "../../adapters/faults/FaultControl.ts"
import type { DraftId, OwnerId } from "../../domain/ids.ts"
import type { DraftKey } from "../../domain/keys.ts"
import { Drafts } from "../../programs/Drafts.ts"
import { DraftsConfig, type DraftsConfigShape } from "../../programs/DraftsConfig.ts"
import { DurableStore, type DurableStoreShape } from "../../programs/ports/DurableStore.ts"
import { HotStore, type HotStoreShape } from "../../programs/ports/HotStore.ts"
import { KeyProvider } from "../../programs/ports/KeyProvider.ts"
import { StorageKeys } from "../../programs/StorageKeys.ts"
import { countCalls, type KeyCallCounts } from "./countingKeyProvider.ts"
import { type HeldPut, probeDurable } from "./durableProbe.ts"

export type DraftsService = Context.Tag.Service<Drafts>

/** The store layers a stack runs on; each build must start empty. */
export interface StoreLayers<Extra = never> {
  readonly hot: Layer.Layer<HotStore | HotStoreLoss, unknown>
  readonly durable: Layer.Layer<DurableStore | Extra, unknown>
}

export interface StackOptions {
  readonly config?: Partial<DraftsConfigShape>
  /** Ids of the keyring's key-encryption keys; the first one wraps new data keys (default one key). */
  readonly keyIds?: ReadonlyArray<string>
}

/**
 * The draft programs over real stores and the local keyring, with the raw stores beside
 * them so a test can read and rewrite the stored bytes.
 */
export interface DraftStack {
  readonly drafts: DraftsService
  readonly config: DraftsConfigShape
  /** The hot store the programs use, without any wrapper. */
  readonly hot: HotStoreShape
  /** The durable store below the probe: writes made here are not counted. */
  readonly durable: DurableStoreShape
  /** Drops everything in the hot tier, as a crashed Redis without persistence does. */
  readonly loseHotTier: Effect.Effect<void>
  /** Paths of the durable puts the programs made, in order. */
  readonly durablePuts: ReadonlyArray<string>
  readonly durableFaults: FaultControl
  readonly holdNextDurablePut: Effect.Effect<HeldPut>
  readonly keyCalls: KeyCallCounts
  readonly unwrapGate: Effect.Latch
  readonly generateGate: Effect.Latch
  readonly keyOf: (owner: OwnerId, draftId: DraftId) => DraftKey
  readonly ownerDigest: (owner: OwnerId) => string
  /**
   * Builds another instance of the programs over the same stores and keyring, with empty key
   * caches, as a second process or a restart would have.
   */
  readonly startProcess: Effect.Effect<DraftsService, never, Scope.Scope>
}

export interface DraftStackWith<Extra> extends DraftStack {
  /** Whatever else the durable layer provides, such as the memory store's loss control. */
  readonly extra: Context.Context<Extra>
}

export type MakeStack<Extra = never> = (options?: StackOptions) => Effect.Effect<DraftStackWith<Extra>, unknown, Scope.Scope>

/** Fresh random keys and storage secret, so no test depends on fixed key bytes. */
export const randomKeyMaterial = (keyIds: ReadonlyArray<string> = ["test-kek-1"]): KeyringMaterial => ({
  keys: keyIds.map((id) => ({ id, key: new Uint8Array(randomBytes(32)) })),
  secrets: {
    storageKeySecret: Redacted.make(new Uint8Array(randomBytes(32))),
    tokenSigningSecret: Option.none()
  },
  development: false
})

/** Returns a stack builder over the given store layers. */
export const stackOver =
  <Extra>(stores: StoreLayers<Extra>): MakeStack<Extra> =>
  (options = {}) =>
    Effect.gen(function* () {
      const storeContext = yield* Layer.build(Layer.merge(stores.hot, stores.durable))
      const keyContext = yield* Layer.build(LocalKeyring.layer(randomKeyMaterial(options.keyIds)))
      const configContext = yield* Layer.build(DraftsConfig.layer(options.config))

      const hot = Context.get(storeContext, HotStore)
      const durable = Context.get(storeContext, DurableStore)
      const probe = yield* probeDurable(durable)
      const counting = yield* countCalls(Context.get(keyContext, KeyProvider))

      const programContext = Context.merge(storeContext, Context.merge(keyContext, configContext)).pipe(
        Context.add(DurableStore, probe.store),
        Context.add(KeyProvider, counting.provider)
      )
      const startProcess = Effect.map(
        Layer.build(Drafts.layer).pipe(Effect.provide(programContext)),
        (context) => Context.get(context, Drafts)
      )
      const storageKeys = yield* StorageKeys.pipe(Effect.provide(StorageKeys.Default), Effect.provide(programContext))

      return {
        drafts: yield* startProcess,
        config: Context.get(configContext, DraftsConfig),
        hot,
        durable,
        loseHotTier: Context.get(storeContext, HotStoreLoss).loseEverything,
        durablePuts: probe.puts,
        durableFaults: probe.faults,
        holdNextDurablePut: probe.holdNextPut,
        keyCalls: counting.calls,
        unwrapGate: counting.unwrapGate,
        generateGate: counting.generateGate,
        keyOf: storageKeys.draftKey,
        ownerDigest: storageKeys.ownerDigest,
        startProcess,
        extra: storeContext as Context.Context<unknown> as Context.Context<Extra>
      } satisfies DraftStackWith<Extra>
    })
