import { Schema } from "effect"

/**
 * A demo step did not behave as documented. The reason names what was expected and what
 * came instead, never a value of the claim.
 */
export class StepFailed extends Schema.TaggedError<StepFailed>()("StepFailed", {
  step: Schema.String,
  reason: Schema.String,
  /** Output that helps to find the cause, such as the tail of a server log. */
  detail: Schema.optional(Schema.String)
}) {
  override get message() {
    return `${this.step} failed: ${this.reason}`
  }
}
