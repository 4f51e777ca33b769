import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3"
import { type ConfigError, Effect, Layer } from "effect"
import { DurableStore, type DurableStoreShape } from "../../programs/ports/DurableStore.ts"
import { getObjectBytes } from "./getObjectBytes.ts"
import { conditionalCreateAtStartup, putIfAbsent } from "./putIfAbsent.ts"
import { acquireClient, sendAbortable } from "./s3Client.ts"
import { toStoreUnavailable } from "./s3Errors.ts"
import { normalizePrefix, type S3Settings, settingsConfig } from "./S3Settings.ts"

export interface S3Location {
  readonly bucket: string
  /** Prepended to every object key; normalized to end with `/` unless empty. */
  readonly prefix?: string
}

/** ListObjectsV2 returns at most this many keys per page. */
const maxKeysPerPage = 1000

/** Deletes in flight at once; a draft has a handful of versions, a purge may have many. */
const deleteConcurrency = 8

export interface S3StoreOptions {
  /**
   * Whether to offer `putIfAbsent` (PutObject with `If-None-Match: *`). Set it only when
   * `probeConditionalWrites` proved that the store enforces the condition (default false).
   */
  readonly conditionalCreate?: boolean
}

/**
 * Builds a durable store on an S3 bucket. Object keys are the prefix followed by the port's
 * path, which is made of digests, and objects carry no user metadata, so nothing in S3
 * names an owner or a draft.
 */
export const make = (client: S3Client, location: S3Location, options: S3StoreOptions = {}): Effect.Effect<DurableStoreShape> =>
  Effect.sync(() => {
    const bucket = location.bucket
    const keyPrefix = normalizePrefix(location.prefix)

    const listPage = (prefix: string, maxKeys: number, token: string | undefined) =>
      sendAbortable((options) =>
        client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: keyPrefix + prefix,
            MaxKeys: maxKeys,
            ...(token === undefined ? {} : { ContinuationToken: token })
          }),
          options
        )
      )

    const store: DurableStoreShape = {
      put: (path, bytes) =>
        sendAbortable((options) =>
          client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: keyPrefix + path,
              Body: bytes,
              ContentType: "application/octet-stream"
            }),
            options
          )
        ).pipe(Effect.asVoid, Effect.mapError(toStoreUnavailable("put"))),

      get: (path) => getObjectBytes(client, bucket, keyPrefix + path).pipe(Effect.mapError(toStoreUnavailable("get"))),

      // One DeleteObject per key: DeleteObjects requires a request checksum, and the CRC32 the SDK
      // sends for it is rejected by some S3-compatible stores that accept everything else.
      delete: (paths) =>
        Effect.forEach(
          paths,
          (path) =>
            sendAbortable((options) =>
              client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyPrefix + path }), options)
            ),
          { concurrency: deleteConcurrency, discard: true }
        ).pipe(Effect.mapError(toStoreUnavailable("delete"))),

      list: (prefix, limit) =>
        Effect.gen(function* () {
          const requested = limit ?? Number.POSITIVE_INFINITY
          const found: Array<string> = []
          let token: string | undefined

          while (found.length < requested) {
            const page = yield* listPage(prefix, Math.min(maxKeysPerPage, requested - found.length), token)
            for (const object of page.Contents ?? []) {
              if (object.Key !== undefined) found.push(object.Key.slice(keyPrefix.length))
            }

            token = page.IsTruncated === true ? page.NextContinuationToken : undefined
            if (token === undefined) break
          }

          // A store may return more than MaxKeys; the port promises at most `limit`.
          return found.slice(0, Math.max(0, requested))
        }).pipe(Effect.mapError(toStoreUnavailable("list")))
    }

    return options.conditionalCreate === true
      ? { ...store, putIfAbsent: (path, bytes) => putIfAbsent(client, bucket, keyPrefix + path, bytes) }
      : store
  })

/**
 * A store with its own client, destroyed when the layer's scope closes. It probes the store
 * once at startup and offers `putIfAbsent` only when the store enforces `If-None-Match: *`.
 */
export const layer = (settings: S3Settings): Layer.Layer<DurableStore> =>
  Layer.scoped(
    DurableStore,
    Effect.gen(function* () {
      const client = yield* acquireClient(settings)
      const conditionalCreate = yield* conditionalCreateAtStartup(client, settings)
      return yield* make(client, settings, { conditionalCreate })
    })
  )

/** Reads the settings from `CLAIM_DRAFTS_S3_BUCKET`, `CLAIM_DRAFTS_S3_PREFIX`, `AWS_REGION` and `S3_ENDPOINT`. */
export const layerConfig: Layer.Layer<DurableStore, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(settingsConfig, layer)
)
