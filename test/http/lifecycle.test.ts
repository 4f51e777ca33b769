import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createHeaders, mergePatchHeaders, replaceHeaders, send } from "./support/client.ts"
import { type HttpTestServer, newDraftId, startHttpTestServer } from "./support/httpTestServer.ts"

let server: HttpTestServer
let token: string

beforeAll(async () => {
  server = await startHttpTestServer()
  token = await server.tokenFor("claimant-lifecycle")
})

afterAll(() => server.close())

describe("draft lifecycle over HTTP", () => {
  it("creates, patches, reads, lists, flushes, submits and deletes", async () => {
    const draftId = newDraftId()
    const path = `/v1/drafts/${draftId}`
    const document = '{"claimant": {"firstName": "Ada"},  "page": 1}'

    const created = await send(server, "PUT", path, { token, headers: createHeaders, body: document })
    expect(created.status).toBe(201)
    expect(created.headers.get("location")).toBe(path)
    const createdEtag = created.headers.get("etag")!
    expect(created.json()).toMatchObject({ draftId, etag: createdEtag, state: "draft", durable: false })
    const createdSeq: number = created.json().seq
    expect(created.headers.get("claim-drafts-durable")).toBe("false")

    const loaded = await send(server, "GET", path, { token })
    expect(loaded.status).toBe(200)
    expect(loaded.text).toBe(document)
    expect(loaded.headers.get("content-type")).toMatch(/^application\/json/)
    expect(loaded.headers.get("etag")).toBe(createdEtag)
    expect(loaded.headers.get("claim-drafts-state")).toBe("draft")
    expect(loaded.headers.get("claim-drafts-tier")).toBe("hot")
    expect(loaded.headers.get("cache-control")).toBe("no-store")
    expect(Date.parse(loaded.headers.get("claim-drafts-expires-at")!)).toBeGreaterThan(Date.now())

    const patched = await send(server, "PATCH", path, {
      token,
      headers: { ...mergePatchHeaders, "if-match": createdEtag },
      body: '{"page": 2, "claimant": {"lastName": "Lovelace"}}'
    })
    expect(patched.status).toBe(200)
    const patchedEtag = patched.headers.get("etag")!
    expect(patchedEtag).not.toBe(createdEtag)
    expect(patched.json().state).toBe("draft")
    expect(patched.json().seq).toBeGreaterThan(createdSeq)

    const merged = await send(server, "GET", path, { token })
    expect(JSON.parse(merged.text)).toEqual({ claimant: { firstName: "Ada", lastName: "Lovelace" }, page: 2 })

    const listed = await send(server, "GET", "/v1/drafts", { token })
    expect(listed.status).toBe(200)
    expect(listed.json()).toEqual([expect.objectContaining({ draftId, etag: patchedEtag, seq: patched.json().seq })])

    const flushed = await send(server, "POST", `${path}/flush`, { token })
    expect(flushed.status).toBe(200)
    expect(flushed.json()).toMatchObject({ etag: patchedEtag, durable: true })
    const afterFlush = await send(server, "GET", path, { token })
    expect(afterFlush.headers.get("claim-drafts-durable")).toBe("true")

    const submitted = await send(server, "POST", `${path}/submit`, { token, headers: { "if-match": patchedEtag } })
    expect(submitted.status).toBe(200)
    expect(JSON.parse(submitted.text)).toEqual(JSON.parse(merged.text))
    expect(submitted.headers.get("claim-drafts-state")).toBe("submitted")
    const submittedEtag = submitted.headers.get("etag")!

    const retried = await send(server, "POST", `${path}/submit`, { token, headers: { "if-match": patchedEtag } })
    expect(retried.status).toBe(200)
    expect(retried.text).toBe(submitted.text)
    expect(retried.headers.get("etag")).toBe(submittedEtag)

    const writeAfterSubmit = await send(server, "PUT", path, { token, headers: replaceHeaders(submittedEtag), body: "{}" })
    expect(writeAfterSubmit.status).toBe(409)
    expect(writeAfterSubmit.json()).toMatchObject({ type: "urn:claim-drafts:problem:draft-submitted" })
    const patchAfterSubmit = await send(server, "PATCH", path, {
      token,
      headers: { ...mergePatchHeaders, "if-match": submittedEtag },
      body: "{}"
    })
    expect(patchAfterSubmit.status).toBe(409)
    expect(patchAfterSubmit.json()).toMatchObject({ type: "urn:claim-drafts:problem:draft-submitted" })

    const readAfterSubmit = await send(server, "GET", path, { token })
    expect(readAfterSubmit.status).toBe(200)
    expect(readAfterSubmit.headers.get("claim-drafts-state")).toBe("submitted")

    const deleted = await send(server, "DELETE", path, { token, headers: { "if-match": submittedEtag } })
    expect(deleted.status).toBe(200)
    expect(deleted.json()).toEqual({ durable: true })

    const gone = await send(server, "GET", path, { token })
    expect(gone.status).toBe(404)
  })

  it("deletes all of the owner's drafts and no one else's", async () => {
    const owner = await server.tokenFor("claimant-delete-all")
    const other = await server.tokenFor("claimant-keeps-drafts")
    const ids = [newDraftId(), newDraftId()]
    for (const id of ids) {
      const created = await send(server, "PUT", `/v1/drafts/${id}`, { token: owner, headers: createHeaders, body: "{}" })
      expect(created.status).toBe(201)
    }
    const kept = newDraftId()
    await send(server, "PUT", `/v1/drafts/${kept}`, { token: other, headers: createHeaders, body: "{}" })

    const erased = await send(server, "DELETE", "/v1/drafts", { token: owner })
    expect(erased.status).toBe(200)
    expect(erased.json()).toEqual({ deleted: 2, durable: true })

    expect((await send(server, "GET", "/v1/drafts", { token: owner })).json()).toEqual([])
    expect((await send(server, "GET", `/v1/drafts/${kept}`, { token: other })).status).toBe(200)
  })

  it("replaces a draft with its current ETag", async () => {
    const path = `/v1/drafts/${newDraftId()}`
    const created = await send(server, "PUT", path, { token, headers: createHeaders, body: '{"a":1}' })

    const replaced = await send(server, "PUT", path, {
      token,
      headers: replaceHeaders(created.headers.get("etag")!),
      body: '{"b":2}'
    })
    expect(replaced.status).toBe(200)
    expect(replaced.headers.get("location")).toBeNull()
    expect((await send(server, "GET", path, { token })).text).toBe('{"b":2}')
  })

  it("accepts a charset=utf-8 parameter on JSON bodies", async () => {
    const path = `/v1/drafts/${newDraftId()}`
    const created = await send(server, "PUT", path, {
      token,
      headers: { ...createHeaders, "content-type": "application/json; charset=UTF-8" },
      body: '{"name":"Zoë"}'
    })
    expect(created.status).toBe(201)
    expect((await send(server, "GET", path, { token })).text).toBe('{"name":"Zoë"}')
  })
})

describe("two tabs editing one draft", () => {
  it("rejects the second write of the same version with 412", async () => {
    const path = `/v1/drafts/${newDraftId()}`
    const created = await send(server, "PUT", path, { token, headers: createHeaders, body: '{"tab":0}' })
    const etag = created.headers.get("etag")!

    const first = await send(server, "PUT", path, { token, headers: replaceHeaders(etag), body: '{"tab":1}' })
    const second = await send(server, "PUT", path, { token, headers: replaceHeaders(etag), body: '{"tab":2}' })

    expect(first.status).toBe(200)
    expect(second.status).toBe(412)
    expect(second.headers.get("content-type")).toBe("application/problem+json")
    expect((await send(server, "GET", path, { token })).text).toBe('{"tab":1}')
  })

  it("lets exactly one of two concurrent writes win", async () => {
    const path = `/v1/drafts/${newDraftId()}`
    const created = await send(server, "PUT", path, { token, headers: createHeaders, body: '{"tab":0}' })
    const etag = created.headers.get("etag")!

    const replies = await Promise.all(
      [1, 2].map((tab) => send(server, "PUT", path, { token, headers: replaceHeaders(etag), body: `{"tab":${tab}}` }))
    )
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 412])
  })

  it("lets exactly one of two concurrent creates win", async () => {
    const path = `/v1/drafts/${newDraftId()}`
    const replies = await Promise.all(
      [1, 2].map((tab) => send(server, "PUT", path, { token, headers: createHeaders, body: `{"tab":${tab}}` }))
    )
    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 412])
  })
})

describe("health probes", () => {
  it("answer without a token", async () => {
    const live = await send(server, "GET", "/healthz")
    expect(live.status).toBe(200)
    expect(live.json()).toEqual({ status: "ok" })

    const ready = await send(server, "GET", "/readyz")
    expect(ready.status).toBe(200)
    expect(ready.json()).toEqual({ status: "ready" })
  })

  it("report not ready while the durable tier fails", async () => {
    await server.failNextDurableCalls(1)
    const ready = await send(server, "GET", "/readyz")
    expect(ready.status).toBe(503)
    expect(ready.headers.get("retry-after")).toBe("5")
    expect(ready.json()).toMatchObject({ type: "urn:claim-drafts:problem:not-ready", status: 503 })
    expect(ready.json().detail).toContain("retry after 5 s")
    expect(ready.json().detail).not.toMatch(/retry after (?!5 s)/)
  })

  it("report one retry time while the hot tier fails", async () => {
    await server.failNextHotCalls(1)
    const ready = await send(server, "GET", "/readyz")
    expect(ready.status).toBe(503)
    expect(ready.headers.get("retry-after")).toBe("5")
    expect(ready.json().detail).toContain("hot store failed")
    expect(ready.json().detail).toContain("retry after 5 s")
  })
})

