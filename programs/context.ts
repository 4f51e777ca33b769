import { Clock, Duration, Effect, Either, Option } from "effect"
import { DraftNotFound, IntegrityFailure, type KeyUnavailable } from "../domain/errors.ts"
import type { DraftId } from "../domain/ids.ts"
import type { DraftKey } from "../domain/keys.ts"
import type { RetentionPolicy } from "../domain/retention.ts"
import { Envelope } from "./crypto/Envelope.ts"
import type { CurrentRecord } from "./current.ts"
import { DraftsConfig } from "./DraftsConfig.ts"
import type { DraftVersion } from "./model.ts"
import { decodePayload, type Payload } from "./payload.ts"
import type { DurableStore } from "./ports/DurableStore.ts"
import type { HotStore } from "./ports/HotStore.ts"

/** Services every draft program runs with. */
export type ProgramContext = HotStore | DurableStore | Envelope | DraftsConfig

export const retentionPolicy = Effect.map(
  DraftsConfig,
  (config): RetentionPolicy => ({
    idleMillis: Duration.toMillis(config.idleRetention),
    maxAgeMillis: Duration.toMillis(config.maxAge),
    submitGraceMillis: Duration.toMillis(config.submitGrace)
  })
)

export const now = Clock.currentTimeMillis

/** The current record if it is live; tombstones and expired records are not found. */
export const requireLive = (current: Option.Option<CurrentRecord>): Effect.Effect<CurrentRecord, DraftNotFound> =>
  Option.isSome(current) && current.value.live ? Effect.succeed(current.value) : Effect.fail(new DraftNotFound())

export const versionOf = (
  draftId: DraftId,
  record: Pick<CurrentRecord, "decoded" | "etag" | "durable">
): DraftVersion => {
  const header = record.decoded.header
  return {
    draftId,
    etag: record.etag,
    seq: header.seq,
    state: header.kind === "submitted" ? "submitted" : "draft",
    createdAt: header.createdAt,
    savedAt: header.savedAt,
    expiresAt: header.expiresAt,
    durable: record.durable
  }
}

/**
 * Decrypts a live record and checks that it belongs to the draft id that was asked for (or,
 * when listing, to any id whose digest matches the key it was read from).
 */
export const openPayload = (
  key: DraftKey,
  record: CurrentRecord
): Effect.Effect<Payload, IntegrityFailure | KeyUnavailable, Envelope> =>
  Effect.flatMap(Envelope, (envelope) => envelope.open(key, record.decoded)).pipe(
    Effect.flatMap((plaintext) => {
      const payload = decodePayload(plaintext)
      plaintext.fill(0)
      return payload === undefined
        ? Effect.fail(new IntegrityFailure({ reason: "malformed payload" }))
        : Effect.succeed(payload)
    })
  )

export const eitherToEffect = <A, E>(either: Either.Either<A, E>): Effect.Effect<A, E> =>
  Either.isRight(either) ? Effect.succeed(either.right) : Effect.fail(either.left)
