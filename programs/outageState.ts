/**
 * The hot tier's recent history as one instance observed it through the outcome of its own
 * calls. Times are epoch milliseconds on the instance's clock.
 *
 * - `failingSince`: start of the current unbroken run of failed calls, if the last call failed.
 * - `healthySince`: start of the current unbroken run of successful calls, if the last call succeeded.
 * - `verifying`: true from startup and from any failure until a journal listing, started once
 *   hot-tier calls have succeeded for a whole fence delay, finds no journaled draft.
 * - `epoch`: grows with every failure, so a journal listing that a failure overlapped is dropped.
 */
export interface OutageState {
  failingSince: number | undefined
  healthySince: number | undefined
  verifying: boolean
  epoch: number
}

export type OutageTransition = "outage-began" | "outage-ended" | undefined

export const initialOutageState = (): OutageState => ({
  failingSince: undefined,
  healthySince: undefined,
  verifying: true,
  epoch: 0
})

/** Records the outcome of one hot-tier call that ended at `now`; returns the change it made, if any. */
export const recordCall = (state: OutageState, available: boolean, now: number): OutageTransition => {
  if (available) {
    if (state.healthySince !== undefined) return undefined

    const ended = state.failingSince !== undefined
    state.failingSince = undefined
    state.healthySince = now
    return ended ? "outage-ended" : undefined
  }

  state.epoch += 1
  state.verifying = true
  if (state.failingSince !== undefined) return undefined

  state.failingSince = now
  state.healthySince = undefined
  return "outage-began"
}

/** True once the hot tier has failed every call for at least `fenceMillis`. */
export const directSavesOpen = (state: OutageState, now: number, fenceMillis: number): boolean =>
  state.failingSince !== undefined && now - state.failingSince >= fenceMillis

/** True once every hot-tier call has succeeded for at least `fenceMillis`. */
export const healthyForFence = (state: OutageState, now: number, fenceMillis: number): boolean =>
  state.healthySince !== undefined && now - state.healthySince >= fenceMillis
