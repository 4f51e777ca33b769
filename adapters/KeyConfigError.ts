import { Schema } from "effect"

/**
 * The key configuration cannot be used: a variable or key file is missing, malformed or
 * unsafe. Raised while a key layer starts, so the process stops before it stores anything.
 * The message names the variable or file, the rule broken and the fix, never a key byte.
 */
export class KeyConfigError extends Schema.TaggedError<KeyConfigError>()("KeyConfigError", {
  /** The environment variable or file path at fault. */
  source: Schema.String,
  problem: Schema.String,
  fix: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {
  override get message() {
    return `${this.source}: ${this.problem}. ${this.fix}`
  }
}
