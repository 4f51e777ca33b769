import type { HttpTestServer } from "./httpTestServer.ts"

export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The body parsed as JSON; throws when it is not JSON. */
  readonly json: () => any
}

export interface RequestOptions {
  readonly token?: string
  readonly headers?: Record<string, string>
  readonly body?: string | Uint8Array | Blob | ReadableStream<Uint8Array>
}

/** Sends one request with fetch and reads the whole response. */
export const send = async (
  server: HttpTestServer,
  method: string,
  path: string,
  options: RequestOptions = {}
): Promise<Reply> => {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`

  const init: RequestInit & { duplex?: "half" } = { method, headers }
  if (options.body !== undefined) init.body = options.body as NonNullable<RequestInit["body"]>
  if (options.body instanceof ReadableStream) init.duplex = "half"

  const response = await fetch(server.url(path), init)
  const text = await response.text()
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) }
}

export const jsonHeaders = { "content-type": "application/json" }
export const mergePatchHeaders = { "content-type": "application/merge-patch+json" }

/** Headers of a create: JSON body and `If-None-Match: *`. */
export const createHeaders = { ...jsonHeaders, "if-none-match": "*" }

/** Headers of a replace of version `etag`. */
export const replaceHeaders = (etag: string) => ({ ...jsonHeaders, "if-match": etag })
