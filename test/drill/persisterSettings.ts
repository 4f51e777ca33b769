import type { DrillTimings, StackEndpoints } from "./stack.ts"

/** Settings the drill passes to its persisting child process, as JSON in `settingsVariable`. */
export interface PersisterSettings {
  readonly endpoints: StackEndpoints
  readonly timings: DrillTimings
  /** Each S3 put of the child waits this long first. */
  readonly putDelayMillis: number
}

export const settingsVariable = "DRILL_PERSISTER"
