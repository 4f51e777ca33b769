import { Effect, Option } from "effect"
import { type DraftDocument, parseDocument, parseJson, validateValue } from "../domain/document.ts"
import { DraftNotFound, DraftSubmitted, DraftTooLarge, PreconditionFailed } from "../domain/errors.ts"
import type { DraftId } from "../domain/ids.ts"
import type { DraftKey } from "../domain/keys.ts"
import { draftExpiry } from "../domain/retention.ts"
import { nextSeq } from "../domain/version.ts"
import { applyMergePatch } from "../domain/mergePatch.ts"
import { readCurrent, type CurrentRecord } from "./current.ts"
import { eitherToEffect, now, openPayload, retentionPolicy, versionOf } from "./context.ts"
import { DraftsConfig } from "./DraftsConfig.ts"
import type { PatchRequest, Precondition, SaveRequest } from "./model.ts"
import { encodePayload } from "./payload.ts"
import { StorageKeys } from "./StorageKeys.ts"
import { writeRecord } from "./writeRecord.ts"

/** Attempts of a last-write-wins save that keeps losing races before it reports a conflict. */
const unconditionalAttempts = 5

/** Checks the precondition against the current record; returns the record a new version replaces. */
const checkPrecondition = (precondition: Precondition, current: Option.Option<CurrentRecord>) => {
  const live = Option.isSome(current) && current.value.live ? current.value : undefined

  switch (precondition._tag) {
    case "Create":
      return live === undefined ? Effect.void : Effect.fail(new PreconditionFailed({ reason: "already-exists" }))
    case "Replace":
      if (live === undefined) return Effect.fail(new DraftNotFound())
      return live.etag === precondition.etag ? Effect.void : Effect.fail(new PreconditionFailed({ reason: "stale-version" }))
    case "Unconditional":
      return Effect.void
  }
}

/**
 * Writes `document` as the next version of the draft. `nextDocument` computes the document
 * from the current record, so a patch merges into exactly the version it replaces.
 */
const writeNext = <E extends { readonly _tag: string }, R>(
  key: DraftKey,
  draftId: DraftId,
  precondition: Precondition,
  nextDocument: (live: CurrentRecord | undefined) => Effect.Effect<DraftDocument, E, R>
) => {
  const attempt = Effect.gen(function* () {
    const policy = yield* retentionPolicy
    const time = yield* now
    const current = yield* readCurrent(key, time)
    yield* checkPrecondition(precondition, current)

    const live = Option.isSome(current) && current.value.live ? current.value : undefined
    if (live?.decoded.header.kind === "submitted") return yield* new DraftSubmitted()

    const document = yield* nextDocument(live)
    const createdAt = live?.decoded.header.createdAt ?? time
    const fields = {
      kind: "draft" as const,
      seq: nextSeq(Option.isSome(current) ? current.value.decoded.header.seq : undefined, time),
      createdAt,
      savedAt: time,
      expiresAt: draftExpiry(policy, createdAt, time)
    }

    const plaintext = encodePayload(draftId, document.text)
    const written = yield* writeRecord(key, current, fields, plaintext).pipe(Effect.ensuring(Effect.sync(() => plaintext.fill(0))))
    return versionOf(draftId, { decoded: { header: written.header }, etag: written.etag, durable: false })
  })

  const conflict = precondition._tag === "Create" ? "already-exists" : "stale-version"
  const retries = precondition._tag === "Unconditional" ? unconditionalAttempts - 1 : 0
  return attempt.pipe(
    Effect.retry({ times: retries, while: (error) => error._tag === "WriteConflict" }),
    Effect.catchTag("WriteConflict", () => Effect.fail(new PreconditionFailed({ reason: conflict })))
  )
}

/** Replaces the whole document with the JSON text given, stored exactly as received. */
export const save = (request: SaveRequest) =>
  Effect.gen(function* () {
    const config = yield* DraftsConfig
    const document = yield* eitherToEffect(parseDocument(request.document, config))
    const key = (yield* StorageKeys).draftKey(request.owner, request.draftId)
    return yield* writeNext(key, request.draftId, request.precondition, () => Effect.succeed(document))
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

    return yield* writeNext(key, request.draftId, request.precondition, (live) =>
      Effect.gen(function* () {
        if (live === undefined) return yield* new DraftNotFound()
        const payload = yield* openPayload(key, live)
        const merged = applyMergePatch(JSON.parse(payload.document), mergePatch)
        const text = JSON.stringify(merged)
        return yield* eitherToEffect(validateValue(merged, text ?? "null", "merge result", config))
      })
    )
  })
