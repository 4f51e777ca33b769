import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { prometheusContentType } from "../../adapters/monitoring/MetricsServer.ts"
import { createHeaders, mergePatchHeaders, replaceHeaders, send } from "./support/client.ts"
import { type HttpTestServer, newDraftId, startHttpTestServer } from "./support/httpTestServer.ts"

const owner = "claimant-metrics-93af"

let server: HttpTestServer
let token: string
/** Every draft id this file writes, to look for in the metrics output. */
const draftIds: Array<string> = []

beforeAll(async () => {
  server = await startHttpTestServer({ metrics: true })
  token = await server.tokenFor(owner)
})

afterAll(() => server.close())

const scrape = async () => {
  const response = await fetch(`${server.metricsBaseUrl}/metrics`)
  return { status: response.status, contentType: response.headers.get("content-type"), text: await response.text() }
}

/** Reads the value of one sample, such as `name{label="value"}`, or 0 when the sample is absent. */
const sampleValue = (text: string, sample: string): number => {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${sample} `))
  return line === undefined ? 0 : Number(line.slice(sample.length + 1))
}

const createDraft = async () => {
  const draftId = newDraftId()
  draftIds.push(draftId)
  const reply = await send(server, "PUT", `/v1/drafts/${draftId}`, { token, headers: createHeaders, body: '{"page":1}' })
  expect(reply.status).toBe(201)
  return { draftId, path: `/v1/drafts/${draftId}`, etag: reply.headers.get("etag")! }
}

const saveSuccess = 'claim_drafts_operations_total{operation="save",outcome="success"}'
const saveStale = 'claim_drafts_operations_total{operation="save",outcome="PreconditionFailed"}'
const patchSuccess = 'claim_drafts_operations_total{operation="patch",outcome="success"}'
const persisted = "claim_drafts_persisted_versions_total"
const pending = "claim_drafts_pending_drafts"

describe("metrics listener", () => {
  it("serves the Prometheus text format", async () => {
    await createDraft()
    const scraped = await scrape()

    expect(scraped.status).toBe(200)
    expect(scraped.contentType).toBe(prometheusContentType)
    expect(scraped.text).toContain("# TYPE claim_drafts_pending_drafts gauge")
    expect(scraped.text).toContain("# TYPE claim_drafts_operations_total counter")
    expect(scraped.text.endsWith("\n")).toBe(true)
    for (const line of scraped.text.trimEnd().split("\n")) {
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue
      expect(line).toMatch(/^[a-z_]+(\{[a-z_]+="[A-Za-z_-]*"(,[a-z_]+="[A-Za-z_-]*")*\})? -?\d+(\.\d+)?$/)
    }
  })

  it("shows counters of rare events at 0 before the first one", async () => {
    const scraped = await scrape()

    for (const sample of [
      "claim_drafts_hot_repairs_total",
      "claim_drafts_direct_saves_total",
      'claim_drafts_unverified_versions_total{resolution="discard-submitted"}'
    ]) {
      expect(scraped.text.split("\n")).toContain(`${sample} 0`)
    }
  })

  it("counts saves, failures and persists", async () => {
    const before = (await scrape()).text

    const first = await createDraft()
    await createDraft()
    const patched = await send(server, "PATCH", first.path, {
      token,
      headers: { ...mergePatchHeaders, "if-match": first.etag },
      body: '{"page":2}'
    })
    expect(patched.status).toBe(200)
    const stale = await send(server, "PUT", first.path, { token, headers: replaceHeaders(first.etag), body: "{}" })
    expect(stale.status).toBe(412)
    expect((await send(server, "POST", `${first.path}/flush`, { token })).status).toBe(200)

    const after = (await scrape()).text
    expect(sampleValue(after, saveSuccess) - sampleValue(before, saveSuccess)).toBe(2)
    expect(sampleValue(after, patchSuccess) - sampleValue(before, patchSuccess)).toBe(1)
    expect(sampleValue(after, saveStale) - sampleValue(before, saveStale)).toBe(1)
    expect(sampleValue(after, persisted) - sampleValue(before, persisted)).toBe(1)
    expect(sampleValue(after, pending)).toBeGreaterThanOrEqual(1)
  })

  it("contains no id, owner or token", async () => {
    const { path, etag } = await createDraft()
    await send(server, "PUT", path, { token, headers: replaceHeaders(etag), body: '{"page":3}' })
    await send(server, "DELETE", path, { token })

    const text = (await scrape()).text
    expect(draftIds.length).toBeGreaterThanOrEqual(4)
    for (const draftId of draftIds) expect(text).not.toContain(draftId)
    expect(text).not.toContain(owner)
    expect(text).not.toContain(token)
  })

  it("needs no token and stays off the API port", async () => {
    const onApiPort = await send(server, "GET", "/metrics", { token })
    expect(onApiPort.status).toBe(404)
    expect(onApiPort.text).not.toContain("claim_drafts_")

    const otherPath = await fetch(`${server.metricsBaseUrl}/v1/drafts`)
    expect(otherPath.status).toBe(404)
    expect(await otherPath.text()).toContain("GET /metrics")
  })
})
