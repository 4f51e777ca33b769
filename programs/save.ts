import { Effect, Option } from "effect"
import { type DraftDocument, parseDocument, parseJson, validateValue } from "../domain/document.ts"
import { DraftNotFound, DraftSubmitted, DraftTooLarge, PreconditionFailed } from "../domain/errors.ts"
import type { DraftId } from "../domain/ids.ts"
import type { DraftKey } from "../domain/keys.ts"
import { draftExpiry } from "../domain/retention.ts"
import { fieldsOfEtag, nextSeq } from "../domain/version.ts"
import { applyMergePatch } from "../domain/mergePatch.ts"
import type { CurrentRecord } from "./current.ts"
import { eitherToEffect, now, openPayload, retentionPolicy, versionOf } from "./context.ts"
import { isHotUnavailable, saveDirect } from "./directSave.ts"
import { DraftsConfig } from "./DraftsConfig.ts"
import { mustReadBeforeWrite } from "./HotOutage.ts"
import type { PatchRequest, Precondition, SaveRequest } from "./model.ts"
import { encodePayload } from "./payload.ts"
import { StorageKeys } from "./StorageKeys.ts"
import { Match, type WriteCondition } from "./ports/HotStore.ts"
import { readWriteBase } from "./unverifiedWrites.ts"
import { replacing, writeRecord } from "./writeRecord.ts"

/** Attempts of a last-write-wins save that keeps losing races before it reports a conflict. */
const unconditionalAttempts = 5

/** Checks the precondition against the current record; returns the record a new version replaces. */
const checkPrecondition = (precondition: Precondition, current: Option.Option<CurrentRecord>) => {
  const live = Option.isSome(current) && current.value.live ? current.value : undefined

  switch (precondition._tag) {
    case "Create":
      return live === undefined ? Effect.void : Effect.fail(new PreconditionFailed({ reason: "already-exists" }))
    case "Replace":
      // If-Match is false when there is no current representation (RFC 9110 section 13.1.1).
      if (live === undefined) return Effect.fail(new PreconditionFailed({ reason: "no-current-version" }))
      return live.etag === precondition.etag ? Effect.void : Effect.fail(new PreconditionFailed({ reason: "stale-version" }))
    case "Unconditional":
      return Effect.void
  }
}

/** Fields a new version takes over from the record it replaces, and the condition of its write. */
interface Predecessor {
  /** Seq of the replaced record, live or not, so the new seq sorts above it. */
  readonly seq: number | undefined
  /** Creation time of the live draft being replaced; a new draft starts its own. */
  readonly createdAt: number | undefined
  readonly condition: WriteCondition
  /** Whether the new version is unverified (`unverifiedWrites.ts`). */
  readonly unverified: boolean
}

/** Seals `document` as the version after `predecessor` and writes it to the hot tier. */
const commit = (key: DraftKey, draftId: DraftId, predecessor: Predecessor, document: DraftDocument) =>
  Effect.gen(function* () {
    const policy = yield* retentionPolicy
    const time = yield* now
    const createdAt = predecessor.createdAt ?? time
    const fields = {
      kind: "draft" as const,
      seq: nextSeq(predecessor.seq, time),
      createdAt,
      savedAt: time,
      expiresAt: draftExpiry(policy, createdAt, time),
      ...(predecessor.unverified ? { unverified: true } : {})
    }

    const plaintext = encodePayload(draftId, document.text)
    const written = yield* writeRecord(key, predecessor.condition, fields, plaintext).pipe(
      Effect.ensuring(Effect.sync(() => plaintext.fill(0)))
    )
    return versionOf(draftId, { decoded: { header: written.header }, etag: written.etag, durable: false })
  })

/**
 * Writes the next version of the draft after reading the current record. `nextDocument`
 * computes the document from the live record, so a patch merges into exactly the version it
 * replaces. With `acceptsUnverified`, a create goes ahead unverified while the durable tier
 * is unavailable.
 */
const writeNext = <E extends { readonly _tag: string }, R>(
  key: DraftKey,
  draftId: DraftId,
  precondition: Precondition,
  acceptsUnverified: boolean,
  nextDocument: (live: CurrentRecord | undefined) => Effect.Effect<DraftDocument, E, R>
) => {
  const attempt = Effect.gen(function* () {
    const { current, unverified } = yield* readWriteBase(key, yield* now, precondition, acceptsUnverified)
    yield* checkPrecondition(precondition, current)

    const live = Option.isSome(current) && current.value.live ? current.value : undefined
    if (live?.decoded.header.kind === "submitted") return yield* new DraftSubmitted()

    const document = yield* nextDocument(live)
    const predecessor: Predecessor = {
      seq: Option.isSome(current) ? current.value.decoded.header.seq : undefined,
      createdAt: live?.decoded.header.createdAt,
      condition: replacing(current),
      unverified
    }
    return yield* commit(key, draftId, predecessor, document)
  })

  const conflict = precondition._tag === "Create" ? "already-exists" : "stale-version"
  const attempts =
    precondition._tag === "Unconditional"
      ? Effect.retry(attempt, { times: unconditionalAttempts - 1, while: (error) => error._tag === "WriteConflict" })
      : attempt
  return Effect.catchTag(attempts, "WriteConflict", () => Effect.fail(new PreconditionFailed({ reason: conflict }))).pipe(
    Effect.catchIf(isHotUnavailable, (unavailable) =>
      saveDirect({ key, draftId, precondition, nextDocument, checkPrecondition, unavailable })
    )
  )
}

/**
 * Returns the predecessor an If-Match ETag describes, when it names a live draft: the hot tier's
 * compare-and-set on the same ETag then proves the fields right, so the save needs no read.
 * A tombstone or a submitted draft takes the path that reads it and reports why.
 */
const taggedPredecessor = (precondition: Precondition): Predecessor | undefined => {
  if (precondition._tag !== "Replace") return undefined
  const fields = fieldsOfEtag(precondition.etag)
  return fields?.kind === "draft"
    ? { seq: fields.seq, createdAt: fields.createdAt, condition: Match(precondition.etag), unverified: false }
    : undefined
}

/** Replaces the whole document with the JSON text given, stored exactly as received. */
export const save = (request: SaveRequest) =>
  Effect.gen(function* () {
    const config = yield* DraftsConfig
    const document = yield* eitherToEffect(parseDocument(request.document, config))
    const key = (yield* StorageKeys).draftKey(request.owner, request.draftId)
    const afterRead = writeNext(key, request.draftId, request.precondition, true, () => Effect.succeed(document))

    // A tagged write that loses its compare-and-set learns nothing: the tag may be stale, or
    // the hot tier may have lost a record the durable tier still holds. Reading decides.
    const tagged = taggedPredecessor(request.precondition)
    if (tagged === undefined || (yield* mustReadBeforeWrite(key))) return yield* afterRead
    return yield* commit(key, request.draftId, tagged, document).pipe(
      Effect.catchIf(isHotUnavailable, (unavailable) =>
        saveDirect({
          key,
          draftId: request.draftId,
          precondition: request.precondition,
          nextDocument: () => Effect.succeed(document),
          checkPrecondition,
          unavailable
        })
      ),
      Effect.catchTag("WriteConflict", () => afterRead)
    )
  })

/** Applies a JSON Merge Patch to the current version and stores the serialized result. */
export const patch = (request: PatchRequest) =>
  Effect.gen(function* () {
    const config = yield* DraftsConfig
    if (Buffer.byteLength(request.patch, "utf8") > config.maxDocumentBytes) {
      return yield* new DraftTooLarge({ field: "body", limitBytes: config.maxDocumentBytes })
    }
    const mergePatch = yield* eitherToEffect(parseJson(request.patch, "body"))
    const key = (yield* StorageKeys).draftKey(request.owner, request.draftId)

    // A merge patch needs the version it applies to, so it never proceeds unverified.
    return yield* writeNext(key, request.draftId, request.precondition, false, (live) =>
      Effect.gen(function* () {
        if (live === undefined) return yield* new DraftNotFound()
        const payload = yield* openPayload(key, live)
        const merged = applyMergePatch(JSON.parse(payload.document), mergePatch)
        const text = JSON.stringify(merged)
        return yield* eitherToEffect(validateValue(merged, text ?? "null", "merge result", config))
      })
    )
  })
