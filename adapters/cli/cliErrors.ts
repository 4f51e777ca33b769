import { Schema } from "effect"

/**
 * Failures of the CLI itself, beside the domain errors the programs raise. Messages name the
 * option and the rule, never a value taken from a draft.
 */

/** An option or argument has a value the command cannot use. */
export class InvalidOption extends Schema.TaggedError<InvalidOption>()("InvalidOption", {
  option: Schema.String,
  rule: Schema.String
}) {
  override get message() {
    return `${this.option} is invalid: ${this.rule}.`
  }
}

/** A write reached the hot tier but the durable tier did not confirm it before the command ended. */
export class NotDurable extends Schema.TaggedError<NotDurable>()("NotDurable", {
  /** Subject of the message, e.g. "The deletion" or "2 pending drafts". */
  subject: Schema.String,
  /** Whether the hot tier keeps it after this process exits (Redis does, the in-memory tier does not). */
  retained: Schema.Boolean,
  /** The message of the store failure behind it, if any. */
  detail: Schema.optional(Schema.String)
}) {
  override get message() {
    const detail = this.detail === undefined ? "" : ` ${this.detail}`
    return this.retained
      ? `${this.subject} reached the hot tier but not yet the durable tier. A running server persists the write later, or run \`claim-drafts flush\` once the durable store is reachable.${detail}`
      : `${this.subject} could not be made durable. The hot tier is in-memory, so the write is lost when this command exits; retry once the durable store is reachable.${detail}`
  }
}

/** Bucket or key setup left protections missing, and `--accept-missing` was not given. */
export class SetupIncomplete extends Schema.TaggedError<SetupIncomplete>()("SetupIncomplete", {
  missing: Schema.Array(Schema.String)
}) {
  override get message() {
    return `Setup is incomplete: ${this.missing.join(", ")} missing. Fix them as described above, or pass --accept-missing to accept the risk.`
  }
}
