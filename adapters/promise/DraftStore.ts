import { Cause, ConfigProvider, Effect, Exit, Layer, ManagedRuntime } from "effect"
import { decodeDraftId, decodeOwnerId, type DraftId, type OwnerId } from "../../domain/ids.ts"
import { Drafts } from "../../programs/Drafts.ts"
import { Create, type DraftVersion, type LoadedDraft, type Precondition, Replace, Unconditional } from "../../programs/model.ts"
import * as configuredLayer from "../configuredLayer.ts"
import * as writeBehind from "../writeBehind.ts"

/** The version a write replaces: exactly one of the three forms. */
export type WriteCondition =
  | { readonly create: true }
  | { readonly ifMatch: string }
  /** Last write wins: two tabs may silently overwrite each other. */
  | { readonly unconditional: true }

export interface DraftStoreOptions {
  /**
   * Settings by variable name (`REDIS_URL`, `CLAIM_DRAFTS_S3_BUCKET`, ...), as the README
   * lists them. Defaults to `process.env`.
   */
  readonly env?: Readonly<Record<string, string | undefined>>
}

/**
 * The draft store for hosts that do not use Effect, such as an Express or Next.js route.
 * Methods reject with the domain errors of `domain/errors.ts`. Each error has a `_tag` and a
 * message that names the field and the fix.
 */
export interface DraftStore {
  readonly save: (owner: string, draftId: string, document: string, condition: WriteCondition) => Promise<DraftVersion>
  readonly patch: (owner: string, draftId: string, mergePatch: string, condition: WriteCondition) => Promise<DraftVersion>
  readonly load: (owner: string, draftId: string) => Promise<LoadedDraft>
  readonly list: (owner: string) => Promise<ReadonlyArray<DraftVersion>>
  readonly flush: (owner: string, draftId: string) => Promise<DraftVersion>
  readonly submit: (owner: string, draftId: string, condition: WriteCondition) => Promise<{ document: string; version: DraftVersion }>
  readonly delete: (owner: string, draftId: string, ifMatch?: string) => Promise<{ durable: boolean }>
  /** Persists every pending draft, stops the write-behind loop and closes all connections. */
  readonly close: () => Promise<void>
}

const preconditionOf = (condition: WriteCondition): Precondition => {
  if ("create" in condition) return Create
  if ("ifMatch" in condition) return Replace(condition.ifMatch)
  return Unconditional
}

const decodeIds = (owner: string, draftId: string) =>
  Effect.all({ owner: decodeOwnerId(owner), draftId: decodeDraftId(draftId) })

/** Creates a store from the environment (or `options.env`) and starts its write-behind loop. */
export const createDraftStore = async (options: DraftStoreOptions = {}): Promise<DraftStore> => {
  const env = options.env ?? process.env
  const provider = ConfigProvider.fromMap(
    new Map(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
  )
  const layer = Layer.provideMerge(writeBehind.layer, configuredLayer.layer).pipe(
    Layer.provide(Layer.setConfigProvider(provider))
  )
  const runtime = ManagedRuntime.make(layer)
  await runtime.runPromise(Effect.void)

  // Rejects with the domain error itself rather than Effect's FiberFailure wrapper, so hosts
  // can switch on `_tag` or `status`.
  const run = async <A, E>(effect: Effect.Effect<A, E, Drafts>): Promise<A> => {
    const exit = await runtime.runPromiseExit(effect)
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  }
  const withIds = <A, E>(owner: string, draftId: string, use: (ids: { owner: OwnerId; draftId: DraftId }) => Effect.Effect<A, E, Drafts>) =>
    run(Effect.flatMap(decodeIds(owner, draftId), use))

  return {
    save: (owner, draftId, document, condition) =>
      withIds(owner, draftId, (ids) => Effect.flatMap(Drafts, (d) => d.save({ ...ids, document, precondition: preconditionOf(condition) }))),
    patch: (owner, draftId, mergePatch, condition) =>
      withIds(owner, draftId, (ids) => Effect.flatMap(Drafts, (d) => d.patch({ ...ids, patch: mergePatch, precondition: preconditionOf(condition) }))),
    load: (owner, draftId) => withIds(owner, draftId, (ids) => Effect.flatMap(Drafts, (d) => d.load(ids))),
    list: (owner) =>
      run(
        Effect.flatMap(decodeOwnerId(owner), (id) => Effect.flatMap(Drafts, (d) => d.list(id)))
      ),
    flush: (owner, draftId) => withIds(owner, draftId, (ids) => Effect.flatMap(Drafts, (d) => d.flush(ids))),
    submit: (owner, draftId, condition) =>
      withIds(owner, draftId, (ids) => Effect.flatMap(Drafts, (d) => d.submit({ ...ids, precondition: preconditionOf(condition) }))),
    delete: (owner, draftId, ifMatch) =>
      withIds(owner, draftId, (ids) => Effect.flatMap(Drafts, (d) => d.delete(ifMatch === undefined ? ids : { ...ids, etag: ifMatch }))),
    close: async () => {
      try {
        await run(Effect.flatMap(Drafts, (d) => d.persistAll))
      } finally {
        await runtime.dispose()
      }
    }
  }
}
