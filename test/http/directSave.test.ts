import { Duration, Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { renderMetrics } from "../../adapters/monitoring/prometheus.ts"
import { Drafts } from "../../programs/Drafts.ts"
import { createHeaders, replaceHeaders, send } from "./support/client.ts"
import { type HttpTestServer, newDraftId, startHttpTestServer } from "./support/httpTestServer.ts"

/** Short, so the test waits little before the hot tier has failed for the whole fence delay. */
const fenceMillis = 300

let server: HttpTestServer
let token: string

beforeAll(async () => {
  server = await startHttpTestServer({ config: { hotOutageFence: Duration.millis(fenceMillis) } })
  token = await server.tokenFor("claimant-direct")
})

afterAll(() => server.close())

/** One write-behind round, which fails while the hot tier fails and so records the outage. */
const writeBehindRound = () => server.run(Effect.either(Effect.flatMap(Drafts, (drafts) => drafts.persistPending)))

const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis))

describe("saves while the hot tier is down", () => {
  it("go direct after the fence", async () => {
    const path = `/v1/drafts/${newDraftId()}`
    await server.failNextHotCalls(1_000_000)
    try {
      // The test on the in-memory stores checks the 503 before the fence with a test clock.
      await writeBehindRound()
      await sleep(fenceMillis + 50)
      await writeBehindRound()
      const created = await send(server, "PUT", path, { token, headers: createHeaders, body: '{"page":1}' })
      expect(created.status).toBe(201)
      expect(created.headers.get("claim-drafts-tier")).toBe("durable-direct")
      expect(created.headers.get("claim-drafts-durable")).toBe("true")
      expect(created.json()).toMatchObject({ durable: true })

      const etag = created.headers.get("etag")!
      const replaced = await send(server, "PUT", path, { token, headers: replaceHeaders(etag), body: '{"page":2}' })
      expect(replaced.status).toBe(200)
      expect(replaced.headers.get("claim-drafts-tier")).toBe("durable-direct")

      const loaded = await send(server, "GET", path, { token })
      expect(loaded.status).toBe(200)
      expect(loaded.headers.get("claim-drafts-tier")).toBe("durable")
      expect(loaded.text).toBe('{"page":2}')
    } finally {
      await server.clearFaults()
    }

    const saved = await send(server, "GET", path, { token })
    const etag = saved.headers.get("etag")!
    const next = await send(server, "PUT", path, { token, headers: replaceHeaders(etag), body: '{"page":3}' })
    expect(next.status).toBe(200)
    expect(next.headers.get("claim-drafts-tier")).toBeNull()
    expect(next.headers.get("claim-drafts-durable")).toBe("false")
  })

  it("logs and metrics show the degraded mode", async () => {
    const logText = server.logs.join("\n")
    expect(logText).toContain("saves go straight to the durable tier")
    expect(logText).not.toContain("claimant-direct")

    const metrics = await server.run(renderMetrics)
    expect(metrics).toMatch(/^claim_drafts_direct_saves_total [1-9]/m)
    expect(metrics).toContain("claim_drafts_direct_saves_open 0")
  })
})
