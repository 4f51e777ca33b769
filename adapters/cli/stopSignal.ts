import { Effect } from "effect"
import { ExitCode } from "./exitCodes.ts"

/**
 * Whether Ctrl-C or SIGTERM ends the running command cleanly. For `serve` it does, as for
 * `npm start`: the server drains and persists before the process exits. Any other command
 * that a signal interrupts was cut short.
 */
let signalStopsCleanly = false

/** Marks the running command as one that a signal stops cleanly. */
export const markSignalStopsCleanly = Effect.sync(() => {
  signalStopsCleanly = true
})

/** Returns the exit code of a command that a signal interrupted. */
export const interruptedExitCode = (): number => (signalStopsCleanly ? ExitCode.ok : ExitCode.interrupted)
