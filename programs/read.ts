import { Effect, Option } from "effect"
import { IntegrityFailure } from "../domain/errors.ts"
import type { DraftId, OwnerId } from "../domain/ids.ts"
import { type DraftKey, draftKeyString } from "../domain/keys.ts"
import { now, openPayload, requireLive, versionOf } from "./context.ts"
import { type CurrentRecord, readCurrent } from "./current.ts"
import { ownerPrefix, parseVersionPath } from "./durablePaths.ts"
import type { DraftRef, DraftVersion, LoadedDraft } from "./model.ts"
import { DurableStore } from "./ports/DurableStore.ts"
import { Absent, HotStore } from "./ports/HotStore.ts"
import { StorageKeys } from "./StorageKeys.ts"

/** Copies a record read from the durable tier back into the hot tier, unless a newer write got there first. */
export const warm = (key: DraftKey, record: CurrentRecord, time: number) =>
  Effect.flatMap(HotStore, (hot) =>
    hot.write({
      key,
      record: { bytes: record.bytes, etag: record.etag, durable: true },
      ttlMillis: Math.max(1, record.decoded.header.expiresAt - time),
      condition: Absent
    })
  ).pipe(
    Effect.catchAll((error) =>
      Effect.logWarning("Warming the hot tier failed; the next read goes to the durable tier again.").pipe(
        Effect.annotateLogs({ draftKey: draftKeyString(key), error: error._tag })
      )
    )
  )

/** Reads the current version: the hot tier, else the durable tier, warming the hot tier afterwards. */
export const load = (ref: DraftRef) =>
  Effect.gen(function* () {
    const key = (yield* StorageKeys).draftKey(ref.owner, ref.draftId)
    const time = yield* now
    const record = yield* Effect.flatMap(readCurrent(key, time), requireLive)
    const payload = yield* openPayload(key, record)
    if (payload.draftId !== ref.draftId) {
      return yield* new IntegrityFailure({ reason: "payload names another draft" })
    }

    if (record.tier === "durable") yield* warm(key, record, time)
    return { ...versionOf(ref.draftId, record), document: payload.document, tier: record.tier } satisfies LoadedDraft
  })

/** Every draft key of an owner found in either tier; the hot tier's index may be stale or lost. */
export const ownerKeys = (owner: OwnerId) =>
  Effect.gen(function* () {
    const digest = (yield* StorageKeys).ownerDigest(owner)
    const hotKeys = yield* Effect.flatMap(HotStore, (hot) => hot.ownerKeys(digest)).pipe(
      Effect.catchTag("StoreUnavailable", () => Effect.succeed([] as ReadonlyArray<DraftKey>))
    )
    const paths = yield* Effect.flatMap(DurableStore, (durable) => durable.list(ownerPrefix(digest)))

    const keys = new Map<string, DraftKey>()
    for (const key of hotKeys) keys.set(draftKeyString(key), key)
    for (const path of paths) {
      const parsed = parseVersionPath(path)
      if (parsed !== undefined) keys.set(draftKeyString(parsed.key), parsed.key)
    }
    return [...keys.values()]
  })

/**
 * Lists the owner's live drafts, newest save first. Each record is decrypted, which
 * authenticates its metadata and recovers the draft id; one that fails its integrity check
 * is left out and logged, so it cannot hide the owner's other drafts.
 */
export const list = (owner: OwnerId) =>
  Effect.gen(function* () {
    const storageKeys = yield* StorageKeys
    const keys = yield* ownerKeys(owner)
    const time = yield* now

    const versions = yield* Effect.forEach(
      keys,
      (key) =>
        Effect.gen(function* () {
          const current = yield* readCurrent(key, time)
          if (Option.isNone(current) || !current.value.live) return Option.none<DraftVersion>()

          const payload = yield* openPayload(key, current.value)
          if (storageKeys.draftKey(owner, payload.draftId as DraftId).draft !== key.draft) {
            return yield* new IntegrityFailure({ reason: "payload names another draft" })
          }
          return Option.some(versionOf(payload.draftId as DraftId, current.value))
        }).pipe(
          Effect.catchTag("IntegrityFailure", (error) =>
            Effect.logError("A stored draft failed its integrity check and was left out of a listing.").pipe(
              Effect.annotateLogs({ draftKey: draftKeyString(key), reason: error.reason }),
              Effect.as(Option.none<DraftVersion>())
            )
          )
        ),
      { concurrency: 8 }
    )

    return versions.flatMap(Option.toArray).sort((a, b) => b.savedAt - a.savedAt)
  })

