import { ValidationError } from "@effect/cli"
import { Cause, Console, Effect, Option } from "effect"
import { describeFailure } from "../failureMessages.ts"
import { ExitCode, exitCodeOf } from "./exitCodes.ts"
import { interruptedExitCode } from "./stopSignal.ts"

/** Domain field names that read as HTTP terms on a command line. */
const describeField = (message: string): string => message.replace(/^body\b/, "The document")

/**
 * Prints why a command failed to standard error and returns its exit code. The parser has
 * already printed usage errors. Other failures print their message, which names the field,
 * the rule and the fix but never a draft's content.
 */
export const reportFailure = <E>(cause: Cause.Cause<E>): Effect.Effect<number> => {
  if (Cause.isInterruptedOnly(cause)) return Effect.sync(interruptedExitCode)

  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    const error = failure.value
    if (ValidationError.isValidationError(error)) return Effect.succeed(ExitCode.usage)

    const message = describeFailure(error)
    return Effect.as(Console.error(`claim-drafts: ${describeField(message)}`), exitCodeOf(error))
  }

  return Effect.as(
    Console.error(`claim-drafts: unexpected error; please report it.\n${Cause.pretty(cause)}`),
    ExitCode.unexpected
  )
}
