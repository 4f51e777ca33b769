import { HttpServerResponse } from "@effect/platform"
import type { DraftVersion, LoadedDraft } from "../../../programs/model.ts"
import { draftHeaders } from "../api/responseHeaders.ts"
import type { DraftVersionJson } from "../api/schemas.ts"

const iso = (epochMillis: number): string => new Date(epochMillis).toISOString()

export const versionJson = (version: DraftVersion): DraftVersionJson => ({
  draftId: version.draftId,
  etag: version.etag,
  seq: version.seq,
  state: version.state,
  createdAt: iso(version.createdAt),
  savedAt: iso(version.savedAt),
  expiresAt: iso(version.expiresAt),
  durable: version.durable
})

/** Headers every response about one version carries. */
const versionHeaders = (version: DraftVersion): Record<string, string> => ({
  [draftHeaders.etag]: version.etag,
  [draftHeaders.lastModified]: new Date(version.savedAt).toUTCString(),
  [draftHeaders.expiresAt]: iso(version.expiresAt),
  [draftHeaders.durable]: String(version.durable)
})

/** Value of the tier header on a save that went straight to the durable tier. */
export const directSaveTier = "durable-direct"

/**
 * A write's result: the version metadata as JSON, 201 with Location when the write created
 * the draft, and the tier header when the save went straight to the durable tier.
 */
export const versionResponse = (version: DraftVersion, created = false): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.unsafeJson(versionJson(version), {
    status: created ? 201 : 200,
    headers: {
      ...versionHeaders(version),
      ...(created ? { [draftHeaders.location]: `/v1/drafts/${version.draftId}` } : {}),
      ...(version.direct === true ? { [draftHeaders.tier]: directSaveTier } : {})
    }
  })

/** A document exactly as stored, with its metadata in headers so the body stays untouched. */
export const documentResponse = (
  version: DraftVersion,
  document: string,
  tier?: LoadedDraft["tier"]
): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(document, {
    contentType: "application/json",
    headers: {
      ...versionHeaders(version),
      [draftHeaders.createdAt]: iso(version.createdAt),
      [draftHeaders.seq]: String(version.seq),
      [draftHeaders.state]: version.state,
      ...(tier === undefined ? {} : { [draftHeaders.tier]: tier })
    }
  })
