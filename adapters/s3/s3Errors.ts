import { StoreUnavailable } from "../../domain/errors.ts"

/** The parts of an SDK error this adapter reads; anything thrown may lack all of them. */
interface SdkErrorFields {
  readonly name?: string
  readonly code?: string
  readonly $metadata?: { readonly httpStatusCode?: number }
}

const fields = (error: unknown): SdkErrorFields =>
  typeof error === "object" && error !== null ? (error as SdkErrorFields) : {}

/** Returns the S3 error code (`NoSuchKey`, `SlowDown`), or the Node error code for network failures. */
export const errorCode = (error: unknown): string => {
  const { code, name } = fields(error)
  return name !== undefined && name !== "Error" ? name : code ?? "Unknown"
}

export const httpStatus = (error: unknown): number | undefined => fields(error).$metadata?.httpStatusCode

export const isNoSuchKey = (error: unknown): boolean => errorCode(error) === "NoSuchKey"

export const isNotImplemented = (error: unknown): boolean =>
  errorCode(error) === "NotImplemented" || httpStatus(error) === 501

export const isPreconditionFailed = (error: unknown): boolean =>
  errorCode(error) === "PreconditionFailed" || httpStatus(error) === 412

/** Throttling needs a pause of seconds, while other failures may clear sooner. */
const retryAfterSecondsOf = (error: unknown): number =>
  errorCode(error) === "SlowDown" || httpStatus(error) === 503 ? 5 : 1

/**
 * Wraps any failure of an S3 call, after the SDK's own retries, as the durable tier being
 * unavailable. The cause keeps the SDK error for logs: it names the operation and the key,
 * which is made of digests only.
 */
export const toStoreUnavailable = (method: string) => (cause: unknown): StoreUnavailable =>
  new StoreUnavailable({ tier: "durable", method, retryAfterSeconds: retryAfterSecondsOf(cause), cause })
