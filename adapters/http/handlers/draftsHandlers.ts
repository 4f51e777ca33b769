import { HttpApiBuilder, type HttpApiGroup, HttpServerResponse } from "@effect/platform"
import { Effect, Layer } from "effect"
import { Drafts } from "../../../programs/Drafts.ts"
import { DraftsConfig } from "../../../programs/DraftsConfig.ts"
import { ClaimDraftsApi } from "../api/ClaimDraftsApi.ts"
import type { Authentication } from "../auth/Authentication.ts"
import { CurrentOwner } from "../auth/CurrentOwner.ts"
import { setResponseHeader } from "../problems/responseHeaders.ts"
import { toProblem } from "../problems/toProblem.ts"
import { requireContentType } from "../request/contentType.ts"
import { parseDraftId } from "../request/draftIdParam.ts"
import { deleteEtag, replacePrecondition, savePrecondition } from "../request/preconditions.ts"
import { readBodyText } from "../request/readBody.ts"
import { documentResponse, versionJson, versionResponse } from "./responses.ts"

const mergePatchType = "application/merge-patch+json"

/**
 * The draft endpoints over the `Drafts` programs. Every handler is raw: bodies are read with
 * a byte limit and a checked media type here, because HttpApi's own payload decoding has
 * neither and closes the connection on an oversized body without a response.
 */
export const layer: Layer.Layer<
  HttpApiGroup.ApiGroup<"claim-drafts", "drafts">,
  never,
  Drafts | DraftsConfig | Authentication
> = HttpApiBuilder.group(ClaimDraftsApi, "drafts", (handlers) =>
  Effect.gen(function* () {
    const drafts = yield* Drafts
    const { maxDocumentBytes } = yield* DraftsConfig

    return handlers
      .handleRaw("save", ({ path, request }) =>
        Effect.gen(function* () {
          const owner = yield* CurrentOwner
          const draftId = yield* parseDraftId(path.draftId)
          yield* requireContentType(request, "application/json")
          const precondition = yield* savePrecondition(request.headers)
          const document = yield* readBodyText(request, maxDocumentBytes)

          const version = yield* drafts.save({ owner, draftId, document, precondition })
          return versionResponse(version, precondition._tag === "Create")
        }).pipe(toProblem)
      )
      .handleRaw("patch", ({ path, request }) =>
        Effect.gen(function* () {
          const owner = yield* CurrentOwner
          const draftId = yield* parseDraftId(path.draftId)
          yield* requireContentType(request, mergePatchType).pipe(
            Effect.tapError(() => setResponseHeader("accept-patch", mergePatchType))
          )
          const precondition = yield* replacePrecondition(request.headers, "PATCH")
          const patch = yield* readBodyText(request, maxDocumentBytes)

          return versionResponse(yield* drafts.patch({ owner, draftId, patch, precondition }))
        }).pipe(toProblem)
      )
      .handleRaw("load", ({ path }) =>
        Effect.gen(function* () {
          const owner = yield* CurrentOwner
          const draftId = yield* parseDraftId(path.draftId)

          const loaded = yield* drafts.load({ owner, draftId })
          return documentResponse(loaded, loaded.document, loaded.tier)
        }).pipe(toProblem)
      )
      .handleRaw("list", () =>
        Effect.gen(function* () {
          const versions = yield* drafts.list(yield* CurrentOwner)
          return HttpServerResponse.unsafeJson(versions.map(versionJson))
        }).pipe(toProblem)
      )
      .handleRaw("delete", ({ path, request }) =>
        Effect.gen(function* () {
          const owner = yield* CurrentOwner
          const draftId = yield* parseDraftId(path.draftId)
          const etag = yield* deleteEtag(request.headers)

          const result = yield* drafts.delete(etag === undefined ? { owner, draftId } : { owner, draftId, etag })
          return HttpServerResponse.unsafeJson({ durable: result.durable })
        }).pipe(toProblem)
      )
      .handleRaw("deleteAll", () =>
        Effect.gen(function* () {
          const result = yield* drafts.deleteAll(yield* CurrentOwner)
          return HttpServerResponse.unsafeJson({ deleted: result.deleted, durable: result.durable })
        }).pipe(toProblem)
      )
      .handleRaw("flush", ({ path }) =>
        Effect.gen(function* () {
          const owner = yield* CurrentOwner
          const draftId = yield* parseDraftId(path.draftId)

          return versionResponse(yield* drafts.flush({ owner, draftId }))
        }).pipe(toProblem)
      )
      .handleRaw("submit", ({ path, request }) =>
        Effect.gen(function* () {
          const owner = yield* CurrentOwner
          const draftId = yield* parseDraftId(path.draftId)
          const precondition = yield* replacePrecondition(request.headers, "submit")

          const submitted = yield* drafts.submit({ owner, draftId, precondition })
          return documentResponse(submitted.version, submitted.document)
        }).pipe(toProblem)
      )
  })
)
