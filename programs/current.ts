import { Effect, Either, Option } from "effect"
import { IntegrityFailure, type StoreUnavailable } from "../domain/errors.ts"
import type { DraftKey } from "../domain/keys.ts"
import { type DecodedRecord, decodeRecord } from "../domain/record.ts"
import { isExpired } from "../domain/retention.ts"
import { etagOf } from "../domain/version.ts"
import { draftPrefix, parseVersionPath } from "./durablePaths.ts"
import { HotOutage } from "./HotOutage.ts"
import { DurableStore } from "./ports/DurableStore.ts"
import { HotStore } from "./ports/HotStore.ts"
import { parseSuccessorPath } from "./successorPaths.ts"

/** The newest record of a draft, wherever it was found, live or not. */
export interface CurrentRecord {
  readonly tier: "hot" | "durable"
  readonly bytes: Uint8Array
  readonly decoded: DecodedRecord
  readonly etag: string
  readonly durable: boolean
  /** False for tombstones and expired records, which read as not found. */
  readonly live: boolean
}

const decode = (bytes: Uint8Array): Effect.Effect<DecodedRecord, IntegrityFailure> => {
  const decoded = decodeRecord(bytes)
  return Either.isRight(decoded) ? Effect.succeed(decoded.right) : Effect.fail(decoded.left)
}

export const describeRecord = (
  tier: CurrentRecord["tier"],
  bytes: Uint8Array,
  durable: boolean,
  now: number
): Effect.Effect<CurrentRecord, IntegrityFailure> =>
  Effect.map(decode(bytes), (decoded) => ({
    tier,
    bytes,
    decoded,
    etag: etagOf(decoded.header),
    durable,
    live: decoded.header.kind !== "tombstone" && !isExpired(decoded.header, now)
  }))

/**
 * Reads the newest durable version: the first path under the draft's prefix, because paths
 * sort newest first. A version deleted between the list and the get is looked up again.
 */
export const readDurable = (
  key: DraftKey,
  now: number
): Effect.Effect<Option.Option<CurrentRecord>, StoreUnavailable | IntegrityFailure, DurableStore> =>
  Effect.gen(function* () {
    const durable = yield* DurableStore

    for (let attempt = 0; attempt < 3; attempt++) {
      const [path] = yield* durable.list(draftPrefix(key), 1)
      // Successor objects sort after every version, so one listed first means there is no version.
      if (path === undefined || parseSuccessorPath(path) !== undefined) return Option.none()

      const bytes = yield* durable.get(path)
      if (Option.isNone(bytes)) continue

      // Postcondition: the record is the version its path names. The AAD binds the header,
      // not the path, so an older record copied under a newer version's name would otherwise
      // read as current.
      const record = yield* describeRecord("durable", bytes.value, true, now)
      const named = parseVersionPath(path)
      const header = record.decoded.header
      if (named === undefined || named.seq !== header.seq || named.tombstone !== (header.kind === "tombstone")) {
        return yield* new IntegrityFailure({ reason: "record stored under another version's path" })
      }
      return Option.some(record)
    }
    return Option.none()
  })

/** Reads the hot tier only. */
export const readHot = (
  key: DraftKey,
  now: number
): Effect.Effect<Option.Option<CurrentRecord>, StoreUnavailable | IntegrityFailure, HotStore> =>
  Effect.flatMap(HotStore, (hot) => hot.get(key)).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () => Effect.succeed(Option.none()),
        onSome: (record) => Effect.map(describeRecord("hot", record.bytes, record.durable, now), Option.some)
      })
    )
  )

/**
 * Reads the newest record of a draft: the hot tier, else the durable tier. The hot tier contains
 * every version newer than the durable one, except versions saved directly to the durable tier
 * during a hot-tier outage, which `HotOutage` accounts for. While the hot tier is unavailable,
 * reads are served from the durable tier, which may miss saves that were acknowledged but not
 * yet persisted. A draft the durable tier does not know then fails with the hot tier's
 * `StoreUnavailable` rather than reading as not found.
 */
export const readCurrent = (
  key: DraftKey,
  now: number
): Effect.Effect<Option.Option<CurrentRecord>, StoreUnavailable | IntegrityFailure, HotStore | DurableStore> =>
  Effect.flatMap(Effect.serviceOption(HotOutage), (outage) =>
    Option.isSome(outage) ? outage.value.readCurrent(key, now) : readHotThenDurable(key, now)
  )

/** `readCurrent` for an instance that has no outage to account for. */
export const readHotThenDurable = (
  key: DraftKey,
  now: number
): Effect.Effect<Option.Option<CurrentRecord>, StoreUnavailable | IntegrityFailure, HotStore | DurableStore> =>
  readHot(key, now).pipe(
    Effect.flatMap((hot) => (Option.isSome(hot) ? Effect.succeed(hot) : readDurable(key, now))),
    Effect.catchTag("StoreUnavailable", (error) =>
      error.tier === "hot"
        ? Effect.flatMap(readDurable(key, now), (durable) => (Option.isSome(durable) ? Effect.succeed(durable) : Effect.fail(error)))
        : Effect.fail(error)
    )
  )
