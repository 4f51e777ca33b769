import { NodeRuntime } from "@effect/platform-node"
import { Cause, Console, Effect, Layer, Option } from "effect"
import { describeFailure } from "../failureMessages.ts"
import { server } from "./serverStack.ts"

/** Prints what to fix after a failed startup; only a defect prints its stack. */
const reportStartupFailure = <E>(cause: Cause.Cause<E>) => {
  if (Cause.isInterruptedOnly(cause)) return Effect.void

  const failure = Cause.failureOption(cause)
  return Option.isSome(failure)
    ? Console.error(`claim-drafts server: ${describeFailure(failure.value)}`)
    : Console.error(`claim-drafts server: unexpected error; please report it.\n${Cause.pretty(cause)}`)
}

NodeRuntime.runMain(Layer.launch(server).pipe(Effect.tapErrorCause(reportStartupFailure)), {
  disableErrorReporting: true
})
