import type { IncomingMessage } from "node:http"
import type { HttpServerRequest } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Data, Effect } from "effect"
import { DraftTooLarge, InvalidDocument } from "../../../domain/errors.ts"

/** The connection failed or closed before the body ended, so no response can reach the client. */
export class BodyAborted extends Data.TaggedError("BodyAborted")<{ readonly reason: string }> {}

const tooLarge = (maxBytes: number) => new DraftTooLarge({ field: "body", limitBytes: maxBytes })

const utf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * Collects the body until it ends or exceeds `maxBytes`. Past the limit the collected chunks
 * are dropped and the rest of the body is read and discarded, not buffered. Closing the
 * socket right after the 413 while the client is still sending would make the client see a
 * reset instead of the 413. Node's `requestTimeout` bounds how long a client can keep sending.
 */
const collect = (incoming: IncomingMessage, maxBytes: number): Effect.Effect<Buffer, DraftTooLarge | BodyAborted> =>
  Effect.async<Buffer, DraftTooLarge | BodyAborted>((resume) => {
    const chunks: Array<Buffer> = []
    let received = 0

    const detach = () => {
      incoming.off("data", onData)
      incoming.off("end", onEnd)
      incoming.off("error", onError)
      incoming.off("close", onClose)
    }
    const onData = (chunk: Buffer) => {
      received += chunk.length
      if (received <= maxBytes) {
        chunks.push(chunk)
        return
      }
      detach()
      chunks.length = 0
      incoming.resume()
      resume(Effect.fail(tooLarge(maxBytes)))
    }
    const onEnd = () => {
      detach()
      resume(Effect.succeed(Buffer.concat(chunks, received)))
    }
    const onError = () => {
      detach()
      resume(Effect.fail(new BodyAborted({ reason: "the request body could not be read" })))
    }
    const onClose = () => {
      detach()
      resume(Effect.fail(new BodyAborted({ reason: "the connection closed before the body ended" })))
    }

    incoming.on("data", onData)
    incoming.on("end", onEnd)
    incoming.on("error", onError)
    incoming.on("close", onClose)
    return Effect.sync(detach)
  })

/**
 * Reads a request body as UTF-8 text of at most `maxBytes` bytes. A Content-Length above the
 * limit is rejected before any byte is read, and a body without one (chunked) is counted as
 * it arrives. Invalid UTF-8 is an invalid document, since JSON text must be UTF-8 (RFC 8259).
 */
export const readBodyText = (
  request: HttpServerRequest.HttpServerRequest,
  maxBytes: number
): Effect.Effect<string, DraftTooLarge | InvalidDocument | BodyAborted> =>
  Effect.gen(function* () {
    const declared = request.headers["content-length"]
    if (declared !== undefined && Number(declared) > maxBytes) return yield* tooLarge(maxBytes)

    const incoming = NodeHttpServerRequest.toIncomingMessage(request)
    const bytes = incoming.readableEnded ? Buffer.alloc(0) : yield* collect(incoming, maxBytes)
    try {
      return utf8.decode(bytes)
    } catch {
      return yield* new InvalidDocument({ field: "body", rule: "must be UTF-8 encoded JSON text" })
    }
  })
