import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createHeaders, mergePatchHeaders, replaceHeaders, send } from "./support/client.ts"
import { type HttpTestServer, newDraftId, startHttpTestServer } from "./support/httpTestServer.ts"

const owner = "claimant-unverified-http"

/** Enough injected failures to keep the durable tier down until the test clears them. */
const outage = 1_000_000

let server: HttpTestServer
let token: string

beforeAll(async () => {
  server = await startHttpTestServer()
  token = await server.tokenFor(owner)
})

afterAll(() => server.close())

describe("durable tier down", () => {
  it("still creates new drafts", async () => {
    const path = `/v1/drafts/${newDraftId()}`
    await server.failNextDurableCalls(outage)
    try {
      const created = await send(server, "PUT", path, { token, headers: createHeaders, body: '{"page":1}' })
      expect(created.status).toBe(201)
      expect(created.json().durable).toBe(false)
      const etag = created.headers.get("etag")!

      const patched = await send(server, "PATCH", path, {
        token,
        headers: { ...mergePatchHeaders, "if-match": etag },
        body: '{"page":2}'
      })
      expect(patched.status).toBe(200)

      const flushed = await send(server, "POST", `${path}/flush`, { token })
      expect(flushed.status).toBe(503)
    } finally {
      await server.clearFaults()
    }

    const flushed = await send(server, "POST", `${path}/flush`, { token })
    expect(flushed.status).toBe(200)
    expect(flushed.headers.get("claim-drafts-durable")).toBe("true")
    const loaded = await send(server, "GET", path, { token })
    expect(loaded.text).toBe('{"page":2}')
  })

  it("answers 503 to writes that need the base version", async () => {
    const path = `/v1/drafts/${newDraftId()}`
    await server.failNextDurableCalls(outage)
    try {
      const etag = '"1-AAAAAAAAAAAAAAAA"'
      const replaced = await send(server, "PUT", path, { token, headers: replaceHeaders(etag), body: "{}" })
      expect(replaced.status).toBe(503)
      expect(replaced.headers.get("retry-after")).not.toBeNull()
      expect(replaced.json().type).toBe("urn:claim-drafts:problem:store-unavailable")

      const patched = await send(server, "PATCH", path, { token, headers: { ...mergePatchHeaders, "if-match": etag }, body: "{}" })
      expect(patched.status).toBe(503)
      expect(patched.headers.get("retry-after")).not.toBeNull()
    } finally {
      await server.clearFaults()
    }

    const afterRecovery = await send(server, "PUT", path, { token, headers: replaceHeaders('"1-AAAAAAAAAAAAAAAA"'), body: "{}" })
    expect(afterRecovery.status).toBe(412)
  })
})
