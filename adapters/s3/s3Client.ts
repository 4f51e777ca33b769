import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3"
import { Effect, type Scope } from "effect"
import type { S3Settings } from "./S3Settings.ts"

export const defaultMaxAttempts = 3
export const defaultConnectionTimeoutMillis = 2_000
export const defaultRequestTimeoutMillis = 10_000

/** Options of the SDK's Node HTTP handler: bounded connects and attempts, reused connections. */
export const requestHandlerOptions = (settings: S3Settings) => ({
  connectionTimeout: settings.connectionTimeoutMillis ?? defaultConnectionTimeoutMillis,
  requestTimeout: settings.requestTimeoutMillis ?? defaultRequestTimeoutMillis,
  // Without this the SDK only logs a warning when requestTimeout passes and keeps waiting.
  throwOnRequestTimeout: true,
  httpAgent: { keepAlive: true, maxSockets: 50 },
  httpsAgent: { keepAlive: true, maxSockets: 50 }
})

/**
 * Client configuration shared by the store, the bucket setup and the tests.
 *
 * Retries: the SDK's standard strategy retries throttling (503 SlowDown), 500, 502, 503, 504
 * and connection errors with full-jitter exponential backoff, at most `maxAttempts` times in
 * all, and stops retrying once its retry budget is spent during a long outage. With the
 * defaults a refused connection fails after three attempts and at most 150 ms of backoff
 * (backoff constants of @smithy/core 3.41: 50 ms base, 1 s base for throttling).
 *
 * Checksums: since client-s3 3.729.0 (January 2025) the SDK adds CRC32 checksum headers to
 * every upload that supports them and validates response checksums. Many S3-compatible
 * stores reject or mishandle those headers, so checksums are sent and checked only where the
 * S3 API requires them. Stored records carry their own integrity check: the AES-GCM tag.
 */
export const clientConfig = (settings: S3Settings): S3ClientConfig => ({
  region: settings.region,
  ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint, forcePathStyle: true }),
  ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
  maxAttempts: settings.maxAttempts ?? defaultMaxAttempts,
  retryMode: "standard",
  requestHandler: requestHandlerOptions(settings),
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED"
})

/** An S3 client destroyed, with its pooled connections, when the scope closes. */
export const acquireClient = (settings: S3Settings): Effect.Effect<S3Client, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => new S3Client(clientConfig(settings))),
    (client) => Effect.sync(() => client.destroy())
  )

/** Runs one SDK call and aborts it when the calling fiber is interrupted. */
export const sendAbortable = <A>(
  send: (options: { readonly abortSignal: AbortSignal }) => Promise<A>
): Effect.Effect<A, unknown> =>
  Effect.tryPromise({
    try: (signal) => send({ abortSignal: signal }),
    catch: (cause) => cause
  })
