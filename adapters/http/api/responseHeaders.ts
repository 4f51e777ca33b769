import { OpenApi } from "@effect/platform"

/** Response headers of the draft endpoints, named once for handlers and OpenAPI alike. */
export const draftHeaders = {
  etag: "ETag",
  lastModified: "Last-Modified",
  location: "Location",
  createdAt: "Claim-Drafts-Created-At",
  expiresAt: "Claim-Drafts-Expires-At",
  durable: "Claim-Drafts-Durable",
  seq: "Claim-Drafts-Seq",
  state: "Claim-Drafts-State",
  tier: "Claim-Drafts-Tier"
} as const

const descriptions: Record<string, string> = {
  [draftHeaders.etag]: "Strong ETag of the version; send it in If-Match to replace it.",
  [draftHeaders.lastModified]: "Time of the write, as an HTTP date.",
  [draftHeaders.location]: "Path of the created draft.",
  [draftHeaders.createdAt]: "Time of the first save (ISO 8601).",
  [draftHeaders.expiresAt]: "Time after which the draft reads as not found (ISO 8601).",
  [draftHeaders.durable]: "`true` once the version is in the durable tier, else `false`.",
  [draftHeaders.seq]: "Write sequence number.",
  [draftHeaders.state]: "`draft` or `submitted`.",
  [draftHeaders.tier]:
    "On a read, `hot` or `durable`: where it was served from. On a save, `durable-direct` when the hot tier was down " +
    "and the version went straight to the durable tier (the response then says `durable: true`); absent otherwise."
}

/** Documents `headers` on the given responses of an endpoint; HttpApi has no schema for response headers. */
export const documentResponseHeaders = (statuses: ReadonlyArray<number>, headers: ReadonlyArray<string>) =>
  OpenApi.annotations({
    transform: (operation) => {
      const responses = { ...(operation.responses as Record<string, Record<string, unknown>>) }
      for (const status of statuses) {
        const response = responses[status]
        if (response === undefined) continue
        const documented = Object.fromEntries(
          headers.map((name) => [name, { description: descriptions[name] ?? "", schema: { type: "string" } }])
        )
        responses[status] = { ...response, headers: documented }
      }
      return { ...operation, responses }
    }
  })
