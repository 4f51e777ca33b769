import { Duration, Effect, Ref } from "effect"
import { StoreUnavailable } from "../../domain/errors.ts"

/**
 * Test and drill control of a fault-injecting store wrapper. The same shape serves every
 * store port, so a drill can break the hot and the durable tier with the same calls.
 */
export interface FaultControl {
  /** Makes the next `count` calls fail with `StoreUnavailable` before they reach the store. */
  readonly failNext: (count: number) => Effect.Effect<void>
  /** Delays every later call by `delay` before it runs or fails; zero removes the delay. */
  readonly delayEach: (delay: Duration.DurationInput) => Effect.Effect<void>
  /** Drops the remaining failures and the delay. */
  readonly clear: Effect.Effect<void>
}

/** A fault control together with the guard that wrappers put around each store call. */
export interface FaultGate extends FaultControl {
  /**
   * Runs `call` after the configured delay, or fails with `StoreUnavailable` naming `method`
   * instead when a failure is still owed.
   */
  readonly guard: <A, E, R>(method: string, call: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StoreUnavailable, R>
}

interface FaultState {
  readonly failuresLeft: number
  readonly delay: Duration.Duration
}

const cleared: FaultState = { failuresLeft: 0, delay: Duration.zero }

/** Retry hint carried by injected failures, in seconds. */
const retryAfterSeconds = 1

/** Builds the fault state of one wrapped store; injected failures name `tier`. */
export const make = (tier: StoreUnavailable["tier"]): Effect.Effect<FaultGate> =>
  Effect.map(Ref.make(cleared), (state) => {
    // Precondition: a count is a whole number of calls, so NaN or Infinity cannot fail every call.
    const failNext = (count: number) =>
      Number.isSafeInteger(count) && count >= 0
        ? Ref.update(state, (current) => ({ ...current, failuresLeft: count }))
        : Effect.dieMessage(`FaultControl.failNext count is invalid: it must be a whole number of calls, at least 0.`)

    const delayEach = (delay: Duration.DurationInput) =>
      Ref.update(state, (current) => ({ ...current, delay: Duration.decode(delay) }))

    /** Takes one owed failure, if any, in the same step that reads the counter. */
    const takeFailure = Ref.modify(state, (current): [boolean, FaultState] =>
      current.failuresLeft > 0 ? [true, { ...current, failuresLeft: current.failuresLeft - 1 }] : [false, current]
    )

    const guard = <A, E, R>(method: string, call: Effect.Effect<A, E, R>) =>
      Effect.gen(function* () {
        const { delay } = yield* Ref.get(state)
        if (Duration.greaterThan(delay, Duration.zero)) yield* Effect.sleep(delay)

        const fails = yield* takeFailure
        if (fails) return yield* new StoreUnavailable({ tier, method: `${method} (injected fault)`, retryAfterSeconds })

        return yield* call
      })

    return { failNext, delayEach, clear: Ref.set(state, cleared), guard }
  })
