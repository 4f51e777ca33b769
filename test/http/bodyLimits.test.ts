import { request } from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createHeaders, mergePatchHeaders, send } from "./support/client.ts"
import { type HttpTestServer, newDraftId, startHttpTestServer } from "./support/httpTestServer.ts"

const maxDocumentBytes = 1024

let server: HttpTestServer
let token: string

beforeAll(async () => {
  server = await startHttpTestServer({ config: { maxDocumentBytes } })
  token = await server.tokenFor("claimant-limits")
})

afterAll(() => server.close())

/** A JSON object of exactly `bytes` bytes. */
const documentOf = (bytes: number) => `{"filler":"${"x".repeat(bytes - 13)}"}`

/** Builds a body of `total` bytes sent in `chunk`-byte pieces without Content-Length (chunked). */
const chunkedBody = (total: number, chunk = 256) => {
  let sent = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close()
      const size = Math.min(chunk, total - sent)
      sent += size
      controller.enqueue(new TextEncoder().encode("x".repeat(size)))
    }
  })
}

/** Starts a PUT with `headers`, writes `start` of its body, and returns the status without ending the body. */
const statusOfUnfinishedPut = (headers: Record<string, string>, start: string) => {
  const url = new URL(server.url(`/v1/drafts/${newDraftId()}`))
  return new Promise<number>((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "PUT",
        headers: { ...createHeaders, authorization: `Bearer ${token}`, ...headers }
      },
      (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
        outgoing.destroy()
      }
    )
    outgoing.on("error", reject)
    outgoing.write(start)
  })
}

describe("request body limit", () => {
  it("accepts a document of exactly the limit", async () => {
    const document = documentOf(maxDocumentBytes)
    expect(Buffer.byteLength(document)).toBe(maxDocumentBytes)

    const reply = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, { token, headers: createHeaders, body: document })
    expect(reply.status).toBe(201)
  })

  it("rejects one byte over the limit", async () => {
    const reply = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, {
      token,
      headers: createHeaders,
      body: documentOf(maxDocumentBytes + 1)
    })
    expect(reply.status).toBe(413)
    expect(reply.headers.get("content-type")).toBe("application/problem+json")
    expect(reply.json()).toMatchObject({ type: "urn:claim-drafts:problem:content-too-large", status: 413 })
    expect(reply.json().detail).toContain(`${maxDocumentBytes} bytes`)
    expect(reply.json().detail).toContain("raise CLAIM_DRAFTS_MAX_DOCUMENT_BYTES")
  })

  it("rejects a chunked body over the limit", async () => {
    const reply = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, {
      token,
      headers: createHeaders,
      body: chunkedBody(maxDocumentBytes * 8)
    })
    expect(reply.status).toBe(413)
    expect(reply.json().type).toBe("urn:claim-drafts:problem:content-too-large")
  })

  it("rejects a chunked merge patch over the limit", async () => {
    const path = `/v1/drafts/${newDraftId()}`
    const created = await send(server, "PUT", path, { token, headers: createHeaders, body: "{}" })

    const reply = await send(server, "PATCH", path, {
      token,
      headers: { ...mergePatchHeaders, "if-match": created.headers.get("etag")! },
      body: chunkedBody(maxDocumentBytes * 4)
    })
    expect(reply.status).toBe(413)
  })

  it("keeps the connection usable after a 413", async () => {
    const rejected = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, {
      token,
      headers: createHeaders,
      body: chunkedBody(maxDocumentBytes * 2)
    })
    expect(rejected.status).toBe(413)

    const accepted = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, { token, headers: createHeaders, body: "{}" })
    expect(accepted.status).toBe(201)
  })

  it("rejects a declared Content-Length before the body arrives", async () => {
    // Declares 100 MB but sends only a few bytes and never ends the body: only a server that
    // judges the header alone can respond.
    const status = await statusOfUnfinishedPut({ "content-length": String(100 * 1024 * 1024) }, '{"filler":"')
    expect(status).toBe(413)
  })

  it("rejects a chunked body once it passes the limit", async () => {
    // Sends twice the limit and never ends the body: the response must come from counting.
    const status = await statusOfUnfinishedPut({}, "x".repeat(maxDocumentBytes * 2))
    expect(status).toBe(413)
  })
})
