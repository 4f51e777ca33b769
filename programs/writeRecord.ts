import { randomBytes } from "node:crypto"
import { Data, Duration, Effect, Option } from "effect"
import { type KeyUnavailable, StoreUnavailable } from "../domain/errors.ts"
import type { DraftKey } from "../domain/keys.ts"
import { encodeTombstone, type RecordHeader, revisionBytes } from "../domain/record.ts"
import { etagOf } from "../domain/version.ts"
import { Envelope, type HeaderFields } from "./crypto/Envelope.ts"
import type { CurrentRecord } from "./current.ts"
import { DraftsConfig } from "./DraftsConfig.ts"
import { Absent, HotStore, Match, type WriteCondition } from "./ports/HotStore.ts"

export interface WrittenRecord {
  readonly header: RecordHeader
  readonly etag: string
}

/** The write lost a race with another writer; callers map it to their own precondition error. */
export class WriteConflict extends Data.TaggedError("WriteConflict") {}

/** Seconds a client should wait before retrying a save the pending limit rejected. */
const pendingFullRetrySeconds = 5

/**
 * The condition under which a write replaces exactly the record `current` describes: the
 * same ETag in the hot tier, or no hot record when `current` came from the durable tier.
 */
export const replacing = (current: Option.Option<CurrentRecord>): WriteCondition =>
  Option.isSome(current) && current.value.tier === "hot" ? Match(current.value.etag) : Absent

/**
 * Writes the next version of a draft to the hot tier as pending if `condition` is met (see
 * `replacing`); otherwise the write is a `WriteConflict`. `plaintext` is sealed; without it
 * the record is a tombstone.
 */
export const writeRecord = (
  key: DraftKey,
  condition: WriteCondition,
  fields: HeaderFields,
  plaintext: Uint8Array | undefined
): Effect.Effect<WrittenRecord, WriteConflict | StoreUnavailable | KeyUnavailable, HotStore | Envelope | DraftsConfig> =>
  Effect.gen(function* () {
    const hot = yield* HotStore
    const config = yield* DraftsConfig

    let header: RecordHeader
    let bytes: Uint8Array
    if (plaintext === undefined) {
      header = { ...fields, revision: randomBytes(revisionBytes) }
      bytes = encodeTombstone(header)
    } else {
      const sealed = yield* (yield* Envelope).seal(key, fields, plaintext)
      header = sealed.header
      bytes = sealed.bytes
    }

    const etag = etagOf(header)
    const outcome = yield* hot.write({
      key,
      record: { bytes, etag, durable: false },
      ttlMillis: Math.max(1, fields.expiresAt - fields.savedAt),
      condition,
      pending: {
        debounceMillis: Duration.toMillis(config.persistDebounce),
        maxDelayMillis: Duration.toMillis(config.persistMaxDelay),
        limit: config.pendingLimit
      }
    })

    switch (outcome) {
      case "written":
        return { header, etag }
      case "conflict":
        return yield* new WriteConflict()
      case "pending-full":
        return yield* Effect.fail(
          new StoreUnavailable({ tier: "hot", method: "save (pending limit reached)", retryAfterSeconds: pendingFullRetrySeconds })
        )
    }
  })
