import { Agent, request } from "node:http"

export interface HttpResponse {
  readonly status: number
  readonly etag: string | undefined
  readonly body: string
}

/**
 * A keep-alive HTTP/1.1 client for one base URL, with at most `connections` sockets, so a
 * closed loop of that many workers keeps one connection each.
 */
export interface HttpClient {
  readonly send: (
    method: string,
    path: string,
    headers: Readonly<Record<string, string>>,
    body?: string
  ) => Promise<HttpResponse>
  readonly close: () => void
}

export const makeHttpClient = (baseUrl: string, connections: number): HttpClient => {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const base = new URL(baseUrl)

  const send: HttpClient["send"] = (method, path, headers, body) =>
    new Promise((resolve, reject) => {
      const outgoing = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) }
        },
        (incoming) => {
          const chunks: Array<Buffer> = []
          incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
          incoming.on("error", reject)
          incoming.on("end", () => {
            const etag = incoming.headers.etag
            resolve({ status: incoming.statusCode ?? 0, etag, body: Buffer.concat(chunks).toString("utf8") })
          })
        }
      )
      outgoing.on("error", reject)
      outgoing.end(body)
    })

  return { send, close: () => agent.destroy() }
}
