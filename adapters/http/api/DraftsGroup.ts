import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Authentication } from "../auth/Authentication.ts"
import {
  BadRequestProblem,
  ConflictProblem,
  ContentTooLargeProblem,
  InternalErrorProblem,
  NotFoundProblem,
  PreconditionFailedProblem,
  PreconditionRequiredProblem,
  ServiceUnavailableProblem,
  UnsupportedMediaTypeProblem
} from "../problems/Problem.ts"
import { draftHeaders, documentResponseHeaders } from "./responseHeaders.ts"
import {
  DeleteAllResultJson,
  DeleteResultJson,
  DocumentBody,
  DraftIdPath,
  DraftList,
  DraftVersionJson,
  IfMatchHeaders,
  MergePatchBody,
  SaveBody,
  SaveHeaders
} from "./schemas.ts"

const versionHeaders = [draftHeaders.etag, draftHeaders.lastModified, draftHeaders.expiresAt, draftHeaders.durable]

const documentHeaders = [
  draftHeaders.etag,
  draftHeaders.lastModified,
  draftHeaders.createdAt,
  draftHeaders.expiresAt,
  draftHeaders.durable,
  draftHeaders.seq,
  draftHeaders.state,
  draftHeaders.tier
]

const save = HttpApiEndpoint.put("save", "/v1/drafts/:draftId")
  .setPath(DraftIdPath)
  .setHeaders(SaveHeaders)
  .setPayload(SaveBody)
  .addSuccess(DraftVersionJson, { status: 200 })
  .addSuccess(DraftVersionJson.annotations({ description: "Created" }), { status: 201 })
  .addError(UnsupportedMediaTypeProblem)
  .addError(ContentTooLargeProblem)
  .addError(PreconditionFailedProblem)
  .addError(PreconditionRequiredProblem)
  .addError(ConflictProblem)
  .annotateContext(
    OpenApi.annotations({
      summary: "Create or replace a draft",
      description:
        "Send `If-None-Match: *` to create (201) or `If-Match` with the current ETag to replace (200). " +
        "Without either the answer is 428; `If-Match: *` is 428 too, because it names no version. " +
        "A weak or stale ETag is 412, and so is `If-Match` on a draft that does not exist (RFC 9110 section " +
        "13.1.1): it expired, was deleted or was never created, so create it again with `If-None-Match: *`. " +
        "While the durable tier is unavailable a create still succeeds, not durable, but a replace answers 503."
    })
  )
  .annotateContext(documentResponseHeaders([200, 201], [...versionHeaders, draftHeaders.location, draftHeaders.tier]))

const patch = HttpApiEndpoint.patch("patch", "/v1/drafts/:draftId")
  .setPath(DraftIdPath)
  .setHeaders(IfMatchHeaders)
  .setPayload(MergePatchBody)
  .addSuccess(DraftVersionJson)
  .addError(UnsupportedMediaTypeProblem)
  .addError(ContentTooLargeProblem)
  .addError(PreconditionFailedProblem)
  .addError(PreconditionRequiredProblem)
  .addError(ConflictProblem)
  .annotateContext(
    OpenApi.annotations({
      summary: "Apply a JSON Merge Patch to a draft",
      description:
        "Requires `If-Match` with the current ETag and `Content-Type: application/merge-patch+json`. A weak or " +
        "stale ETag is 412, and so is `If-Match` on a draft that does not exist: a merge patch needs a current " +
        "version, so create the draft again with a PUT and `If-None-Match: *`."
    })
  )
  .annotateContext(documentResponseHeaders([200], [...versionHeaders, draftHeaders.tier]))

const load = HttpApiEndpoint.get("load", "/v1/drafts/:draftId")
  .setPath(DraftIdPath)
  .addSuccess(DocumentBody)
  .annotateContext(
    OpenApi.annotations({
      summary: "Read a draft",
      description: "The body is the document exactly as saved; its version, expiry and tier are in the headers."
    })
  )
  .annotateContext(documentResponseHeaders([200], documentHeaders))

const list = HttpApiEndpoint.get("list", "/v1/drafts")
  .addSuccess(DraftList)
  .annotateContext(OpenApi.annotations({ summary: "List the owner's drafts" }))

const remove = HttpApiEndpoint.del("delete", "/v1/drafts/:draftId")
  .setPath(DraftIdPath)
  .setHeaders(IfMatchHeaders)
  .addSuccess(DeleteResultJson)
  .addError(PreconditionFailedProblem)
  .annotateContext(
    OpenApi.annotations({
      summary: "Delete a draft",
      description: "With `If-Match`, only if that version is still current; without it (or with `*`), whatever is current."
    })
  )

const removeAll = HttpApiEndpoint.del("deleteAll", "/v1/drafts")
  .addSuccess(DeleteAllResultJson)
  .addError(ConflictProblem)
  .annotateContext(OpenApi.annotations({ summary: "Delete all of the owner's drafts" }))

const flush = HttpApiEndpoint.post("flush", "/v1/drafts/:draftId/flush")
  .setPath(DraftIdPath)
  .addSuccess(DraftVersionJson)
  .annotateContext(
    OpenApi.annotations({
      summary: "Persist a draft now",
      description: "Copies the current version to the durable tier without waiting for the write-behind delay."
    })
  )
  .annotateContext(documentResponseHeaders([200], versionHeaders))

const submit = HttpApiEndpoint.post("submit", "/v1/drafts/:draftId/submit")
  .setPath(DraftIdPath)
  .setHeaders(IfMatchHeaders)
  .addSuccess(DocumentBody)
  .addError(PreconditionFailedProblem)
  .addError(PreconditionRequiredProblem)
  .annotateContext(
    OpenApi.annotations({
      summary: "Submit a draft",
      description:
        "Makes the draft read-only and returns its final document. Requires `If-Match`. A retried submit " +
        "within the grace period returns the same document whatever its If-Match, so a lost response never loses the claim."
    })
  )
  .annotateContext(documentResponseHeaders([200], documentHeaders))

/** The draft endpoints; every one requires a bearer token. */
export class DraftsGroup extends HttpApiGroup.make("drafts")
  .add(save)
  .add(patch)
  .add(load)
  .add(list)
  .add(remove)
  .add(removeAll)
  .add(flush)
  .add(submit)
  .addError(BadRequestProblem)
  .addError(NotFoundProblem)
  .addError(InternalErrorProblem)
  .addError(ServiceUnavailableProblem)
  .middleware(Authentication)
  .annotateContext(OpenApi.annotations({ title: "Drafts", description: "Claim drafts of the token's owner." })) {}

