import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { maxIdLength, minDraftIdLength } from "../../../domain/ids.ts"

/**
 * Schemas of the HTTP API as documented in OpenAPI. Requests are read by the handlers
 * themselves (size limits, media types, id rules), so these describe rather than decode.
 */

/** The route's draft id: any string here, validated by the handler with the DraftId rules. */
export const DraftIdPath = Schema.Struct({
  draftId: Schema.String.annotations({
    description: "Client-chosen random id of the draft, such as a UUID; it must carry no personal data.",
    jsonSchema: { type: "string", minLength: minDraftIdLength, maxLength: maxIdLength, pattern: "^[A-Za-z0-9._~-]+$" }
  })
})

const ifMatch = Schema.optional(
  Schema.String.annotations({ description: 'The strong ETag of the version this request replaces, such as "1777886401377-1777885964120-dV3mK9pQx2Lw8Rt4Z".' })
)

export const SaveHeaders = Schema.Struct({
  "if-match": ifMatch,
  "if-none-match": Schema.optional(
    Schema.String.annotations({ description: "`*` to create the draft only if it does not exist yet." })
  )
})

export const IfMatchHeaders = Schema.Struct({ "if-match": ifMatch })

const isoTime = (description: string) =>
  Schema.String.annotations({ description, jsonSchema: { type: "string", format: "date-time" } })

/** Non-personal metadata of one stored version. */
export const DraftVersionJson = Schema.Struct({
  draftId: Schema.String,
  etag: Schema.String.annotations({ description: "Strong ETag of this version; send it in If-Match to replace it." }),
  seq: Schema.Int.annotations({
    description: "Write sequence number: higher for every later write of the draft, and never below the write time in epoch milliseconds."
  }),
  state: Schema.Literal("draft", "submitted"),
  createdAt: isoTime("Time of the first save."),
  savedAt: isoTime("Time of this write; for a submitted draft, the submission time."),
  expiresAt: isoTime("Time after which the draft reads as not found."),
  durable: Schema.Boolean.annotations({
    description: "True once this version is in the durable tier and survives losing the hot tier."
  })
}).annotations({ identifier: "DraftVersion" })

export type DraftVersionJson = typeof DraftVersionJson.Type

export const DraftList = Schema.Array(DraftVersionJson).annotations({
  identifier: "DraftList",
  description: "The owner's live drafts, newest save first."
})

/** A draft document: any JSON object; incomplete claims are fine. */
const document = (description: string) =>
  Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({ description })

export const SaveBody = document("The whole draft document, stored exactly as sent.").pipe(
  HttpApiSchema.withEncoding({ kind: "Json", contentType: "application/json" })
)

export const MergePatchBody = document("A JSON Merge Patch (RFC 7386): members merge, null removes a member.").pipe(
  HttpApiSchema.withEncoding({ kind: "Json", contentType: "application/merge-patch+json" })
)

export const DocumentBody = document("The document exactly as saved; its metadata is in the response headers.")

export const DeleteResultJson = Schema.Struct({
  durable: Schema.Boolean.annotations({
    description: "True when the deletion reached the durable tier, so no restore can bring the draft back."
  })
}).annotations({ identifier: "DeleteResult" })

export const DeleteAllResultJson = Schema.Struct({
  deleted: Schema.Int.annotations({ description: "Live drafts deleted." }),
  durable: Schema.Boolean.annotations({ description: "True when every deletion reached the durable tier." })
}).annotations({ identifier: "DeleteAllResult" })

export const HealthJson = Schema.Struct({ status: Schema.Literal("ok", "ready") }).annotations({ identifier: "Health" })
