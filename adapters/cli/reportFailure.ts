import { ValidationError } from "@effect/cli"
import { Cause, Console, Effect, Option } from "effect"
import { ExitCode, exitCodeOf } from "./exitCodes.ts"
import { interruptedExitCode } from "./stopSignal.ts"

/** Domain field names that read as HTTP terms on a command line. */
const describeField = (message: string): string => message.replace(/^body\b/, "The document")

/** The error's message; errors without one (such as a server that cannot listen) show their tag and cause. */
const messageOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error)
  if (error.message !== "") return error.message

  const tag = "_tag" in error ? String(error._tag) : error.name
  return error.cause instanceof Error ? `${tag}: ${error.cause.message}` : tag
}

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

    const message = messageOf(error)
    return Effect.as(Console.error(`claim-drafts: ${describeField(message)}`), exitCodeOf(error))
  }

  return Effect.as(
    Console.error(`claim-drafts: unexpected error; please report it.\n${Cause.pretty(cause)}`),
    ExitCode.unexpected
  )
}
