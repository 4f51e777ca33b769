import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { Effect, type Scope } from "effect"

/** One canned HTTP response. */
export interface ScriptedResponse {
  readonly status: number
  readonly headers?: Record<string, string>
  readonly body?: string
}

export interface ScriptedHttpServer {
  readonly endpoint: string
  /** Requests received so far, as `METHOD path`. */
  readonly requests: ReadonlyArray<string>
  /** Headers of those requests, in the same order, with lower-case names. */
  readonly requestHeaders: ReadonlyArray<IncomingHttpHeaders>
}

/** An S3 error body as Amazon S3 sends it. */
export const s3ErrorBody = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`

/**
 * Starts an HTTP server on 127.0.0.1 that responds to requests with `script` in order, then
 * with `fallback`. An `undefined` response accepts the request and never responds. The server
 * produces the failures s3rver cannot: throttling, server errors and silence.
 */
export const startScriptedHttpServer = (
  script: ReadonlyArray<ScriptedResponse | undefined>,
  fallback: ScriptedResponse | undefined
): Effect.Effect<ScriptedHttpServer, never, Scope.Scope> =>
  Effect.gen(function* () {
    const requests: Array<string> = []
    const requestHeaders: Array<IncomingHttpHeaders> = []
    const sockets = new Set<Socket>()

    const server: Server = createServer((request, response) => {
      const answer = requests.length < script.length ? script[requests.length] : fallback
      requests.push(`${request.method} ${request.url}`)
      requestHeaders.push(request.headers)
      request.resume()
      if (answer === undefined) return

      response.writeHead(answer.status, { "content-type": "application/xml", ...answer.headers })
      response.end(answer.body ?? "")
    })
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })

    const port = yield* Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
      }),
      () =>
        Effect.async<void>((resume) => {
          for (const socket of sockets) socket.destroy()
          server.close(() => resume(Effect.void))
        })
    )

    return { endpoint: `http://127.0.0.1:${port}`, requests, requestHeaders }
  })
