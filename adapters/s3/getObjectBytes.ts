import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from "@aws-sdk/client-s3"
import { Effect, Option } from "effect"
import { isNoSuchKey } from "./s3Errors.ts"

type Body = GetObjectCommandOutput["Body"]

/**
 * Destroys a response body that was not read to its end. An unread body keeps its pooled
 * connection busy forever, so after enough of them every request waits for a socket.
 */
const discardBody = (body: Body): void => {
  const stream = body as { readonly readableEnded?: boolean; readonly destroy?: () => void } | undefined
  if (stream?.destroy !== undefined && stream.readableEnded !== true) stream.destroy()
}

/**
 * Sends GetObject and aborts it on interruption. A response that arrives after the
 * interruption is nobody's to read, so its body is destroyed there and then.
 */
const sendGetObject = (client: S3Client, bucket: string, key: string) =>
  Effect.async<GetObjectCommandOutput, unknown>((resume) => {
    const controller = new AbortController()
    let abandoned = false

    client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: controller.signal }).then(
      (output) => (abandoned ? discardBody(output.Body) : resume(Effect.succeed(output))),
      (error: unknown) => {
        if (!abandoned) resume(Effect.fail(error))
      }
    )

    return Effect.sync(() => {
      abandoned = true
      controller.abort()
    })
  })

const readBody = (body: Body) =>
  Effect.tryPromise({
    try: async () => (body === undefined ? new Uint8Array(0) : await body.transformToByteArray()),
    catch: (cause) => cause
  })

/**
 * Reads an object's bytes; NoSuchKey is `Option.none()`. The body is consumed or destroyed on
 * every path: success, a failed read and interruption at any point after the headers arrive.
 */
export const getObjectBytes = (
  client: S3Client,
  bucket: string,
  key: string
): Effect.Effect<Option.Option<Uint8Array>, unknown> =>
  Effect.uninterruptibleMask((restore) =>
    restore(sendGetObject(client, bucket, key)).pipe(
      Effect.flatMap((output) =>
        restore(readBody(output.Body)).pipe(Effect.ensuring(Effect.sync(() => discardBody(output.Body))))
      ),
      Effect.map(Option.some),
      Effect.catchIf(isNoSuchKey, () => Effect.succeed(Option.none()))
    )
  )
