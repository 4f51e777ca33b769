import { Schema } from "effect"

/**
 * Characters allowed in owner and draft ids: unreserved URL characters, so an id
 * never needs escaping in a path segment, a header or a log line.
 */
const idPattern = /^[A-Za-z0-9._~-]+$/

/** Maximum id length, in characters. */
export const maxIdLength = 128

/** Minimum draft id length: short ids are guessable and invite personal data. */
export const minDraftIdLength = 16

/** The claimant, taken from the `sub` claim of a verified token. */
export const OwnerId = Schema.String.pipe(
  Schema.minLength(1),
  Schema.maxLength(maxIdLength),
  Schema.pattern(idPattern),
  Schema.brand("OwnerId"),
  Schema.annotations({
    identifier: "OwnerId",
    description: `1 to ${maxIdLength} characters from A-Z a-z 0-9 . _ ~ -`
  })
)
export type OwnerId = typeof OwnerId.Type

/**
 * A client-chosen opaque draft identifier. It appears in URLs, so it must be random
 * (a UUID or 16+ random base64url characters) and carry no personal data.
 */
export const DraftId = Schema.String.pipe(
  Schema.minLength(minDraftIdLength),
  Schema.maxLength(maxIdLength),
  Schema.pattern(idPattern),
  Schema.brand("DraftId"),
  Schema.annotations({
    identifier: "DraftId",
    description: `${minDraftIdLength} to ${maxIdLength} characters from A-Z a-z 0-9 . _ ~ -, random and free of personal data`
  })
)
export type DraftId = typeof DraftId.Type
