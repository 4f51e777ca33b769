import { Schema } from "effect"

/**
 * Failures a caller of the draft programs can act on. Each carries the HTTP status that the
 * HTTP adapter responds with; messages name the field and the rule, never a value taken from
 * a draft.
 */

export class DraftNotFound extends Schema.TaggedError<DraftNotFound>()(
  "DraftNotFound",
  {},
  { status: 404 }
) {
  override get message() {
    return "No live draft exists with this id for this owner; it was never created, expired, was deleted, or was submitted longer ago than the submit grace period (CLAIM_DRAFTS_SUBMIT_GRACE, default 1 hour)."
  }
}

export class PreconditionFailed extends Schema.TaggedError<PreconditionFailed>()(
  "PreconditionFailed",
  { reason: Schema.Literal("stale-version", "already-exists", "no-current-version") },
  { status: 412 }
) {
  override get message() {
    switch (this.reason) {
      case "already-exists":
        return "If-None-Match: * was sent but the draft already exists; load it and send If-Match with its ETag."
      case "stale-version":
        return "If-Match does not name the current version of the draft; load it again and retry with its current ETag."
      case "no-current-version":
        return "If-Match was sent but the draft has no current version: it expired, was deleted or was never created. Create it again with the whole document and If-None-Match: * (the CLI's --create)."
    }
  }
}

export class PreconditionRequired extends Schema.TaggedError<PreconditionRequired>()(
  "PreconditionRequired",
  {},
  { status: 428 }
) {
  override get message() {
    return "A write must name the version it replaces: send If-Match with the current ETag, or If-None-Match: * to create."
  }
}

export class DraftTooLarge extends Schema.TaggedError<DraftTooLarge>()(
  "DraftTooLarge",
  { field: Schema.String, limitBytes: Schema.Number },
  { status: 413 }
) {
  override get message() {
    return `${this.field} exceeds the limit of ${this.limitBytes} bytes; save less data per draft or raise CLAIM_DRAFTS_MAX_DOCUMENT_BYTES.`
  }
}

export class InvalidId extends Schema.TaggedError<InvalidId>()(
  "InvalidId",
  { field: Schema.String, rule: Schema.String },
  { status: 400 }
) {
  override get message() {
    return `${this.field} is invalid: it must be ${this.rule}.`
  }
}

export class InvalidDocument extends Schema.TaggedError<InvalidDocument>()(
  "InvalidDocument",
  { field: Schema.String, rule: Schema.String },
  { status: 400 }
) {
  override get message() {
    return `${this.field} is invalid: ${this.rule}.`
  }
}

export class DraftSubmitted extends Schema.TaggedError<DraftSubmitted>()(
  "DraftSubmitted",
  {},
  { status: 409 }
) {
  override get message() {
    return "The draft was submitted and is read-only; start a new draft to change the claim."
  }
}

/** Stored bytes failed authentication or could not be decoded; never returned as data. */
export class IntegrityFailure extends Schema.TaggedError<IntegrityFailure>()(
  "IntegrityFailure",
  { reason: Schema.String },
  { status: 500 }
) {
  override get message() {
    return `The stored draft failed its integrity check (${this.reason}); it was not returned.`
  }
}

export class KeyUnavailable extends Schema.TaggedError<KeyUnavailable>()(
  "KeyUnavailable",
  { method: Schema.String, retryAfterSeconds: Schema.Number, cause: Schema.optional(Schema.Defect) },
  { status: 503 }
) {
  override get message() {
    return `The key service failed during ${this.method}; retry after ${this.retryAfterSeconds} s.`
  }
}

export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()(
  "StoreUnavailable",
  {
    tier: Schema.Literal("hot", "durable"),
    method: Schema.String,
    retryAfterSeconds: Schema.Number,
    cause: Schema.optional(Schema.Defect)
  },
  { status: 503 }
) {
  override get message() {
    return `The ${this.tier} store failed during ${this.method}; retry after ${this.retryAfterSeconds} s.`
  }
}

export type DraftError =
  | DraftNotFound
  | PreconditionFailed
  | PreconditionRequired
  | DraftTooLarge
  | InvalidId
  | InvalidDocument
  | DraftSubmitted
  | IntegrityFailure
  | KeyUnavailable
  | StoreUnavailable
