import { Either, Schema } from "effect"
import { InvalidId } from "./errors.ts"

/**
 * Characters allowed in owner and draft ids: unreserved URL characters, so an id
 * never needs escaping in a path segment, a header or a log line.
 */
const idPattern = /^[A-Za-z0-9._~-]+$/

/** Maximum id length, in characters. */
export const maxIdLength = 128

/** Minimum draft id length: short ids are guessable and invite personal data. */
export const minDraftIdLength = 16

const ownerRule = `1 to ${maxIdLength} characters from A-Z a-z 0-9 . _ ~ -`
const draftRule = `${minDraftIdLength} to ${maxIdLength} characters from A-Z a-z 0-9 . _ ~ -, chosen at random`

/** The claimant, taken from the `sub` claim of a verified token. */
export const OwnerId = Schema.String.pipe(
  Schema.minLength(1),
  Schema.maxLength(maxIdLength),
  Schema.pattern(idPattern),
  Schema.brand("OwnerId"),
  Schema.annotations({
    identifier: "OwnerId",
    description: ownerRule
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
    description: `${draftRule}, free of personal data`
  })
)
export type DraftId = typeof DraftId.Type

/** Validates an owner id; the error names the field and the rule, never the value. */
export const decodeOwnerId = (value: unknown, field = "owner"): Either.Either<OwnerId, InvalidId> =>
  Either.mapLeft(Schema.decodeUnknownEither(OwnerId)(value), () => new InvalidId({ field, rule: ownerRule }))

/** Validates a draft id; the error names the field and the rule, never the value. */
export const decodeDraftId = (value: unknown, field = "draftId"): Either.Either<DraftId, InvalidId> =>
  Either.mapLeft(Schema.decodeUnknownEither(DraftId)(value), () => new InvalidId({ field, rule: draftRule }))
