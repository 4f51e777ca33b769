import { Duration, Effect, Schedule } from "effect"
import type { KmsRetryPolicy } from "./kmsConfig.ts"

/** A failed KMS call: rejected by KMS, or still failing after the last retry. */
export type KmsCallFailure =
  | { readonly _tag: "Rejected"; readonly name: string; readonly error: unknown }
  | { readonly _tag: "Unavailable"; readonly error: unknown }

/** One attempt took longer than `attemptTimeoutMillis`. */
export class KmsAttemptTimeout extends Error {
  override readonly name = "KmsAttemptTimeout"
}

// Error names after which the same request may succeed later; any 5xx or 429 status counts too.
const transientNames = new Set([
  "ThrottlingException",
  "KMSInternalException",
  "DependencyTimeoutException",
  "ServiceUnavailableException",
  "RequestTimeoutException",
  "TimeoutError",
  "KmsAttemptTimeout"
])

// Node socket errors raised before any HTTP response arrived.
const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN"
])

const field = (error: unknown, name: string): unknown =>
  typeof error === "object" && error !== null ? (error as Record<string, unknown>)[name] : undefined

export const errorName = (error: unknown): string => {
  const name = field(error, "name")
  return typeof name === "string" ? name : "UnknownError"
}

/** Formats the error name, with the Node error code when there is one, for log lines. */
const describeError = (error: unknown): string => {
  const code = field(error, "code")
  return typeof code === "string" ? `${errorName(error)} (${code})` : errorName(error)
}

const httpStatus = (error: unknown): number | undefined => {
  const status = field(field(error, "$metadata"), "httpStatusCode")
  return typeof status === "number" ? status : undefined
}

export const isTransient = (error: unknown): boolean => {
  const status = httpStatus(error)
  if (transientNames.has(errorName(error))) return true
  if (status !== undefined) return status >= 500 || status === 429

  const code = field(error, "code")
  return typeof code === "string" && networkCodes.has(code)
}

const retrySchedule = (policy: KmsRetryPolicy) =>
  Schedule.exponential(Duration.millis(policy.baseDelayMillis)).pipe(
    Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.millis(policy.maxDelayMillis))),
    Schedule.jittered,
    Schedule.intersect(Schedule.recurs(Math.max(0, policy.maxAttempts - 1)))
  )

/**
 * Sends one KMS request, retrying transient failures (throttling, 5xx, network errors,
 * attempt timeouts) with jittered exponential backoff up to `maxAttempts`. An interrupted
 * or timed-out attempt aborts its HTTP request.
 */
export const callKms = <Output>(
  operation: string,
  policy: KmsRetryPolicy,
  send: (signal: AbortSignal) => Promise<Output>
): Effect.Effect<Output, KmsCallFailure> =>
  Effect.tryPromise({ try: send, catch: (error) => error }).pipe(
    Effect.timeoutFail({
      duration: Duration.millis(policy.attemptTimeoutMillis),
      onTimeout: () => new KmsAttemptTimeout(`KMS ${operation} took longer than ${policy.attemptTimeoutMillis} ms`)
    }),
    Effect.tapError((error) =>
      isTransient(error)
        ? Effect.logWarning(`KMS ${operation} attempt failed with ${describeError(error)}`).pipe(
          Effect.annotateLogs({ module: "KmsKeyProvider", operation })
        )
        : Effect.void
    ),
    Effect.retry({ schedule: retrySchedule(policy), while: isTransient }),
    Effect.mapError((error): KmsCallFailure =>
      isTransient(error) ? { _tag: "Unavailable", error } : { _tag: "Rejected", name: errorName(error), error }
    )
  )
