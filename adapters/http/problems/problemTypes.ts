/**
 * Every problem type the HTTP API returns (RFC 9457). The `type` URIs are stable identifiers
 * that clients may branch on; they are URNs because no page is published at them.
 */
export const problemTypes = {
  "invalid-id": { status: 400, title: "Invalid id" },
  "invalid-document": { status: 400, title: "Invalid document" },
  "invalid-header": { status: 400, title: "Invalid request header" },
  "authentication-required": { status: 401, title: "Authentication required" },
  "not-found": { status: 404, title: "Not found" },
  "draft-submitted": { status: 409, title: "Draft already submitted" },
  "write-conflict": { status: 409, title: "Concurrent writes conflicted" },
  "precondition-failed": { status: 412, title: "Precondition failed" },
  "content-too-large": { status: 413, title: "Content too large" },
  "unsupported-media-type": { status: 415, title: "Unsupported media type" },
  "precondition-required": { status: 428, title: "Precondition required" },
  "integrity-failure": { status: 500, title: "Stored draft failed its integrity check" },
  "internal-error": { status: 500, title: "Internal server error" },
  "key-unavailable": { status: 503, title: "Key service unavailable" },
  "store-unavailable": { status: 503, title: "Storage unavailable" },
  "token-keys-unavailable": { status: 503, title: "Token signing keys unavailable" },
  "not-ready": { status: 503, title: "Service not ready" }
} as const

export type ProblemKind = keyof typeof problemTypes

export const problemTypeUri = (kind: ProblemKind): string => `urn:claim-drafts:problem:${kind}`

export const problemContentType = "application/problem+json"
