import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { exportedText, makeRecordingTracer, type RecordedSpan } from "../support/recordingTracer.ts"
import { createHeaders, mergePatchHeaders, send } from "./support/client.ts"
import { type HttpTestServer, newDraftId, startHttpTestServer } from "./support/httpTestServer.ts"

const owner = "claimant-tracing-4b8e"
const recording = makeRecordingTracer()

let server: HttpTestServer
let token: string

beforeAll(async () => {
  server = await startHttpTestServer({ tracer: recording.tracer })
  token = await server.tokenFor(owner)
})

afterAll(() => server.close())

const serverSpans = (): Array<RecordedSpan> => recording.spans.filter((span) => span.kind === "server")

describe("request spans", () => {
  it("carry no draft id or owner", async () => {
    const draftId = newDraftId()
    const path = `/v1/drafts/${draftId}`

    const created = await send(server, "PUT", path, { token, headers: createHeaders, body: '{"page":1}' })
    expect(created.status).toBe(201)
    expect(created.headers.get("location")).toContain(draftId)
    const etag = created.headers.get("etag")!
    const patched = await send(server, "PATCH", path, { token, headers: { ...mergePatchHeaders, "if-match": etag }, body: '{"page":2}' })
    expect(patched.status).toBe(200)
    expect((await send(server, "GET", `${path}?draft=${draftId}`, { token })).status).toBe(200)
    expect((await send(server, "POST", `${path}/flush`, { token })).status).toBe(200)
    expect((await send(server, "GET", `/v1/drafts/${newDraftId()}`, { token })).status).toBe(404)
    expect((await send(server, "DELETE", path, { token })).status).toBe(200)

    expect(serverSpans().length).toBeGreaterThanOrEqual(6)
    expect(recording.spans.some((span) => span.name === "Drafts.save")).toBe(true)
    for (const span of recording.spans) {
      const text = exportedText(span)
      expect(text, span.name).not.toContain(draftId)
      expect(text, span.name).not.toContain(owner)
      expect(text, span.name).not.toContain(token)
    }
  })

  it("name the route template and status", async () => {
    const before = serverSpans().length
    const created = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, { token, headers: createHeaders, body: "{}" })
    expect(created.status).toBe(201)

    const span = serverSpans()[before]
    expect(span?.name).toBe("http.server PUT")
    expect(span?.attributes.get("http.route")).toBe("/v1/drafts/:draftId")
    expect(span?.attributes.get("http.request.method")).toBe("PUT")
    expect(span?.attributes.get("http.response.status_code")).toBe(201)
    expect(span?.attributes.has("url.full")).toBe(false)
    expect(span?.attributes.has("url.path")).toBe(false)
  })

  it("follow the caller's trace context", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
    const before = serverSpans().length
    const headers = { traceparent: `00-${traceId}-00f067aa0ba902b7-01` }
    expect((await send(server, "GET", "/v1/drafts", { token, headers })).status).toBe(200)

    const span = serverSpans()[before]
    expect(span?.traceId).toBe(traceId)
    expect(span?.attributes.get("http.route")).toBe("/v1/drafts")
    expect(span?.attributes.get("http.response.status_code")).toBe(200)
  })
})
