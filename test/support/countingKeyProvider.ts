import { Effect } from "effect"
import type { KeyProviderShape } from "../../programs/ports/KeyProvider.ts"

/** Calls that reached the key provider, counted when they start. */
export interface KeyCallCounts {
  readonly generateDataKey: number
  readonly unwrapDataKey: number
}

export interface CountingKeyProvider {
  readonly provider: KeyProviderShape
  /** A live view: the numbers grow as calls arrive. */
  readonly calls: KeyCallCounts
  /**
   * Open by default. While closed, unwrap calls are counted and then wait, so a test can
   * start concurrent reads and see how many unwraps they caused before any of them finishes.
   */
  readonly unwrapGate: Effect.Latch
  /**
   * Open by default. While closed, generate calls are counted and then wait, so concurrent
   * saves of a process without an active data key all read the current version before any
   * of them writes.
   */
  readonly generateGate: Effect.Latch
}

/** Wraps a real key provider so tests can count what the programs ask of it. */
export const countCalls = (inner: KeyProviderShape): Effect.Effect<CountingKeyProvider> =>
  Effect.gen(function* () {
    const unwrapGate = yield* Effect.makeLatch(true)
    const generateGate = yield* Effect.makeLatch(true)
    const calls = { generateDataKey: 0, unwrapDataKey: 0 }

    const provider: KeyProviderShape = {
      generateDataKey: Effect.suspend(() => {
        calls.generateDataKey += 1
        return Effect.zipRight(generateGate.await, inner.generateDataKey)
      }),
      unwrapDataKey: (reference) =>
        Effect.suspend(() => {
          calls.unwrapDataKey += 1
          return Effect.zipRight(unwrapGate.await, inner.unwrapDataKey(reference))
        })
    }
    return { provider, calls, unwrapGate, generateGate }
  })
