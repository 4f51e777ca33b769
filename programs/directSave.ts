import { Effect, Option } from "effect"
import type { DraftDocument } from "../domain/document.ts"
import { type DraftNotFound, DraftSubmitted, PreconditionFailed, StoreUnavailable } from "../domain/errors.ts"
import type { DraftId } from "../domain/ids.ts"
import { type DraftKey, draftKeyString } from "../domain/keys.ts"
import { draftExpiry } from "../domain/retention.ts"
import { etagOf, nextSeq } from "../domain/version.ts"
import { now, retentionPolicy, versionOf } from "./context.ts"
import { Envelope } from "./crypto/Envelope.ts"
import type { CurrentRecord } from "./current.ts"
import { versionPath } from "./durablePaths.ts"
import { HotOutage, type HotOutageShape } from "./HotOutage.ts"
import { writeJournalMarker } from "./journal.ts"
import type { DraftVersion, Precondition } from "./model.ts"
import { encodePayload } from "./payload.ts"
import { DurableStore, type DurableStoreShape } from "./ports/DurableStore.ts"
import { HotStore } from "./ports/HotStore.ts"
import { readDurableRolled } from "./rolledRead.ts"
import { emptiedSuccessor, successorPath } from "./successorPaths.ts"
import { readBothTiers } from "./verifiedRead.ts"
import { WriteConflict } from "./writeRecord.ts"

/** Attempts of a last-write-wins direct save that keeps losing the claim to other writers. */
const unconditionalAttempts = 5

/** True for the failures that a direct save may stand in for: the hot tier being unreachable. */
export const isHotUnavailable = (error: { readonly _tag: string }): error is StoreUnavailable =>
  error instanceof StoreUnavailable && error.tier === "hot"

export interface DirectSaveRequest<E extends { readonly _tag: string }, R> {
  readonly key: DraftKey
  readonly draftId: DraftId
  readonly precondition: Precondition
  /** Computes the document from the version it replaces, as in an ordinary save. */
  readonly nextDocument: (live: CurrentRecord | undefined) => Effect.Effect<DraftDocument, E, R>
  /** The precondition check of an ordinary save. */
  readonly checkPrecondition: (
    precondition: Precondition,
    current: Option.Option<CurrentRecord>
  ) => Effect.Effect<void, PreconditionFailed | DraftNotFound>
  /** The hot tier's failure that led here; the save fails with it when no direct save is allowed. */
  readonly unavailable: StoreUnavailable
}

/**
 * Checks that the direct save that stored a version may be acknowledged. If the hot tier
 * responds again, its record of the draft is replaced first, so no read there returns the
 * older version. If it still fails, no call to it may have succeeded since the outage this
 * save relied on began, because another instance may already have left verify mode.
 */
const confirmOutage = (outage: HotOutageShape, key: DraftKey, outageSince: number, unavailable: StoreUnavailable) =>
  Effect.gen(function* () {
    const time = yield* now
    const hotRead = yield* Effect.either(Effect.flatMap(HotStore, (hot) => hot.get(key)))
    if (hotRead._tag === "Right") {
      yield* readBothTiers(key, time)
      return
    }
    if (!(yield* outage.stillFailingSince(outageSince))) return yield* unavailable
  })

/**
 * Saves the next version straight to the durable tier while the hot tier is down. The
 * journal marker goes first, so recovery repairs the hot record of every draft that might
 * have a direct save. Then the successor object of the replaced version is created, which
 * only one writer can do. That writer stores the version under its own path and empties the
 * successor object. A writer that stops after its claim is finished by the next reader.
 */
const saveOnce = <E extends { readonly _tag: string }, R>(
  request: DirectSaveRequest<E, R>,
  putIfAbsent: NonNullable<DurableStoreShape["putIfAbsent"]>,
  outage: HotOutageShape,
  outageSince: number
) =>
  Effect.gen(function* () {
    const durable = yield* DurableStore
    const { key, precondition } = request
    const policy = yield* retentionPolicy
    const time = yield* now

    const current = yield* readDurableRolled(key, time)
    yield* request.checkPrecondition(precondition, current)
    const live = Option.isSome(current) && current.value.live ? current.value : undefined
    if (live?.decoded.header.kind === "submitted") return yield* new DraftSubmitted()

    const document = yield* request.nextDocument(live)
    const baseSeq = Option.isSome(current) ? current.value.decoded.header.seq : 0
    const createdAt = live?.decoded.header.createdAt ?? time
    const fields = {
      kind: "draft" as const,
      seq: nextSeq(Option.isSome(current) ? baseSeq : undefined, time),
      createdAt,
      savedAt: time,
      expiresAt: draftExpiry(policy, createdAt, time)
    }
    const plaintext = encodePayload(request.draftId, document.text)
    const sealed = yield* (yield* Envelope).seal(key, fields, plaintext).pipe(Effect.ensuring(Effect.sync(() => plaintext.fill(0))))

    yield* writeJournalMarker(key, fields.seq)
    const claim = yield* putIfAbsent(successorPath(key, baseSeq), sealed.bytes)
    if (claim === "exists") return yield* new WriteConflict()

    yield* durable.put(versionPath(key, fields.seq, "draft"), sealed.bytes)
    yield* durable.put(successorPath(key, baseSeq), emptiedSuccessor).pipe(
      Effect.catchAll((error) =>
        Effect.logWarning("Emptying a successor object failed; it keeps the sealed record until a sweep deletes it.").pipe(
          Effect.annotateLogs({ draftKey: draftKeyString(key), method: error.method })
        )
      )
    )
    yield* confirmOutage(outage, key, outageSince, request.unavailable)

    const version = versionOf(request.draftId, { decoded: { header: sealed.header }, etag: etagOf(sealed.header), durable: true })
    return { ...version, direct: true } satisfies DraftVersion
  })

/**
 * Saves straight to the durable tier if this instance has seen the hot tier fail for the
 * whole fence delay and the durable store enforces create-only writes. Otherwise it fails with
 * the hot tier's error, which the HTTP API turns into 503 with `Retry-After`.
 */
export const saveDirect = <E extends { readonly _tag: string }, R>(request: DirectSaveRequest<E, R>) =>
  Effect.gen(function* () {
    const outage = yield* Effect.serviceOption(HotOutage)
    const putIfAbsent = (yield* DurableStore).putIfAbsent
    if (Option.isNone(outage) || putIfAbsent === undefined) return yield* request.unavailable

    const outageSince = yield* outage.value.directSaveWindow(yield* now)
    if (Option.isNone(outageSince)) return yield* request.unavailable

    const conflict = request.precondition._tag === "Create" ? "already-exists" : "stale-version"
    const retries = request.precondition._tag === "Unconditional" ? unconditionalAttempts - 1 : 0
    const version = yield* saveOnce(request, putIfAbsent, outage.value, outageSince.value).pipe(
      Effect.retry({ times: retries, while: (error) => error._tag === "WriteConflict" }),
      Effect.catchTag("WriteConflict", () => Effect.fail(new PreconditionFailed({ reason: conflict })))
    )

    yield* outage.value.countDirectSave
    return version
  })
