import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect, Exit, Logger } from "effect"
import { run } from "./app.ts"
import { ExitCode } from "./exitCodes.ts"
import { reportFailure } from "./reportFailure.ts"
import { interruptedExitCode } from "./stopSignal.ts"

// Subpath imports: the @effect/platform-node index loads the HTTP stack too, which costs
// every command a second of startup.

/** Logs go to standard error, so standard output carries only a command's result. */
const stderrLogger = Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true }))

const program = run(process.argv).pipe(
  Effect.as(ExitCode.ok),
  Effect.catchAllCause(reportFailure),
  Effect.provide([NodeContext.layer, stderrLogger])
)

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  teardown: (exit, onExit) =>
    onExit(Exit.isSuccess(exit) && typeof exit.value === "number" ? exit.value : interruptedExitCode())
})
