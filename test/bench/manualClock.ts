import { Clock, Duration, Effect } from "effect"

/** A clock whose time moves only when `advanceTo` is called. */
export interface ManualClock extends Clock.Clock {
  /** Sets the time in epoch milliseconds; it never moves backwards. */
  readonly advanceTo: (millis: number) => void
  readonly millis: () => number
}

/**
 * Creates a clock that starts at the real time and moves only through `advanceTo`. A session
 * of minutes then runs as fast as the servers respond, and a stall of the machine costs no
 * simulated time. Sleeps still take real time, because in the code paths it drives only
 * timeouts sleep.
 */
export const makeManualClock = (): ManualClock => {
  let now = Date.now()

  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => now,
    currentTimeMillis: Effect.sync(() => now),
    unsafeCurrentTimeNanos: () => BigInt(now) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(now) * 1_000_000n),
    sleep: (duration) =>
      Effect.async<void>((resume) => {
        const timer = setTimeout(() => resume(Effect.void), Duration.toMillis(duration))
        return Effect.sync(() => clearTimeout(timer))
      }),
    advanceTo: (millis) => {
      now = Math.max(now, millis)
    },
    millis: () => now
  }
}
