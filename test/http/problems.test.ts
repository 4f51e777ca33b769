import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { HotStoreLoss } from "../../adapters/memory/HotStoreLoss.ts"
import { Any, HotStore } from "../../programs/ports/HotStore.ts"
import { StorageKeys } from "../../programs/StorageKeys.ts"
import { ownerId, draftId as toDraftId } from "../support/draftIds.ts"
import { createHeaders, jsonHeaders, mergePatchHeaders, type Reply, replaceHeaders, send } from "./support/client.ts"
import { type HttpTestServer, newDraftId, startHttpTestServer } from "./support/httpTestServer.ts"

let server: HttpTestServer
let token: string
const owner = "claimant-problems"

beforeAll(async () => {
  server = await startHttpTestServer()
  token = await server.tokenFor(owner)
})

afterAll(() => server.close())

const expectProblem = (reply: Reply, status: number, kind: string) => {
  expect(reply.status).toBe(status)
  expect(reply.headers.get("content-type")).toBe("application/problem+json")
  const problem = reply.json()
  expect(problem.type).toBe(`urn:claim-drafts:problem:${kind}`)
  expect(problem.status).toBe(status)
  expect(typeof problem.title).toBe("string")
  expect(typeof problem.detail).toBe("string")
  return problem as { type: string; title: string; status: number; detail: string }
}

const createDraft = async (body = '{"page":1}') => {
  const path = `/v1/drafts/${newDraftId()}`
  const created = await send(server, "PUT", path, { token, headers: createHeaders, body })
  expect(created.status).toBe(201)
  return { path, etag: created.headers.get("etag")! }
}

describe("400 invalid requests", () => {
  it("rejects a short draft id", async () => {
    const problem = expectProblem(await send(server, "GET", "/v1/drafts/short-id", { token }), 400, "invalid-id")
    expect(problem.detail).toContain("draftId")
    expect(problem.detail).not.toContain("short-id")
  })

  it("rejects a draft id with reserved characters", async () => {
    const reply = await send(server, "PUT", `/v1/drafts/${"a".repeat(20)}%20b`, { token, headers: createHeaders, body: "{}" })
    expectProblem(reply, 400, "invalid-id")
  })

  it("rejects invalid JSON without quoting it", async () => {
    const reply = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, {
      token,
      headers: createHeaders,
      body: '{"ssn": "123-45-6789"'
    })
    const problem = expectProblem(reply, 400, "invalid-document")
    expect(problem.detail).toContain("valid JSON")
    expect(problem.detail).not.toContain("123-45-6789")
  })

  it("rejects a JSON array as the document", async () => {
    const reply = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, { token, headers: createHeaders, body: "[1,2]" })
    expect(expectProblem(reply, 400, "invalid-document").detail).toContain("JSON object")
  })

  it("rejects a JSON scalar as the document", async () => {
    const reply = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, { token, headers: createHeaders, body: '"text"' })
    expectProblem(reply, 400, "invalid-document")
  })

  it("rejects an empty body", async () => {
    const reply = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, { token, headers: createHeaders, body: "" })
    expectProblem(reply, 400, "invalid-document")
  })

  it("rejects a body that is not UTF-8", async () => {
    const latin1 = new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d])
    const reply = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, { token, headers: createHeaders, body: latin1 })
    expect(expectProblem(reply, 400, "invalid-document").detail).toContain("UTF-8")
  })

  it("rejects a malformed If-Match", async () => {
    const { path } = await createDraft()
    const reply = await send(server, "PUT", path, { token, headers: { ...jsonHeaders, "if-match": "no-quotes" }, body: "{}" })
    expectProblem(reply, 400, "invalid-header")
  })

  it("rejects an If-Match list of several tags", async () => {
    const { path, etag } = await createDraft()
    const reply = await send(server, "PUT", path, { token, headers: { ...jsonHeaders, "if-match": `${etag}, "1-x"` }, body: "{}" })
    expectProblem(reply, 400, "invalid-header")
  })

  it("rejects If-Match and If-None-Match together", async () => {
    const { path, etag } = await createDraft()
    const reply = await send(server, "PUT", path, { token, headers: { ...createHeaders, "if-match": etag }, body: "{}" })
    expectProblem(reply, 400, "invalid-header")
  })

  it("rejects If-None-Match with a tag instead of *", async () => {
    const reply = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, {
      token,
      headers: { ...jsonHeaders, "if-none-match": '"1-x"' },
      body: "{}"
    })
    expectProblem(reply, 400, "invalid-header")
  })
})

describe("404 not found", () => {
  it("hides another owner's draft", async () => {
    const { path } = await createDraft()
    const intruder = await server.tokenFor("claimant-intruder")

    expectProblem(await send(server, "GET", path, { token: intruder }), 404, "not-found")
    expectProblem(await send(server, "POST", `${path}/flush`, { token: intruder }), 404, "not-found")
    expectProblem(await send(server, "DELETE", path, { token: intruder }), 404, "not-found")
    expect((await send(server, "GET", "/v1/drafts", { token: intruder })).json()).toEqual([])
    expect((await send(server, "GET", path, { token })).status).toBe(200)
  })

  it("answers an unknown route with a problem", async () => {
    expectProblem(await send(server, "GET", "/v2/elsewhere"), 404, "not-found")
  })
})

describe("409 conflict", () => {
  it("rejects a patch after submit", async () => {
    const { path, etag } = await createDraft()
    const submitted = await send(server, "POST", `${path}/submit`, { token, headers: { "if-match": etag } })
    expect(submitted.status).toBe(200)

    const reply = await send(server, "PATCH", path, {
      token,
      headers: { ...mergePatchHeaders, "if-match": submitted.headers.get("etag")! },
      body: '{"page":2}'
    })
    expectProblem(reply, 409, "draft-submitted")
  })
})

describe("412 precondition failed", () => {
  it("rejects a stale ETag", async () => {
    const { path, etag } = await createDraft()
    await send(server, "PUT", path, { token, headers: replaceHeaders(etag), body: '{"page":2}' })

    expectProblem(await send(server, "PUT", path, { token, headers: replaceHeaders(etag), body: "{}" }), 412, "precondition-failed")
    expectProblem(await send(server, "DELETE", path, { token, headers: { "if-match": etag } }), 412, "precondition-failed")
  })

  it("never matches a weak ETag", async () => {
    const { path, etag } = await createDraft()
    const weak = `W/${etag}`

    const problem = expectProblem(
      await send(server, "PUT", path, { token, headers: replaceHeaders(weak), body: "{}" }),
      412,
      "precondition-failed"
    )
    expect(problem.detail).toContain("weak")
    expectProblem(
      await send(server, "PATCH", path, { token, headers: { ...mergePatchHeaders, "if-match": weak }, body: "{}" }),
      412,
      "precondition-failed"
    )
    expectProblem(await send(server, "DELETE", path, { token, headers: { "if-match": weak } }), 412, "precondition-failed")
    expectProblem(await send(server, "POST", `${path}/submit`, { token, headers: { "if-match": weak } }), 412, "precondition-failed")
  })

  it("rejects a create of an existing draft", async () => {
    const { path } = await createDraft()
    expectProblem(await send(server, "PUT", path, { token, headers: createHeaders, body: "{}" }), 412, "precondition-failed")
  })

  it("rejects If-Match on a draft never created", async () => {
    const path = `/v1/drafts/${newDraftId()}`
    const etag = `"1-AAAAAAAAAAAAAAAA"`

    const put = expectProblem(await send(server, "PUT", path, { token, headers: replaceHeaders(etag), body: "{}" }), 412, "precondition-failed")
    expect(put.detail).toContain("no current version")
    expect(put.detail).toContain("If-None-Match: *")
    const patched = await send(server, "PATCH", path, { token, headers: { ...mergePatchHeaders, "if-match": etag }, body: "{}" })
    expect(expectProblem(patched, 412, "precondition-failed").detail).toContain("If-None-Match: *")
    expect((await send(server, "GET", path, { token })).status).toBe(404)
  })

  it("rejects If-Match on a deleted draft", async () => {
    const { path, etag } = await createDraft()
    expect((await send(server, "DELETE", path, { token, headers: { "if-match": etag } })).status).toBe(200)

    expectProblem(await send(server, "PUT", path, { token, headers: replaceHeaders(etag), body: "{}" }), 412, "precondition-failed")
    expectProblem(
      await send(server, "PATCH", path, { token, headers: { ...mergePatchHeaders, "if-match": etag }, body: "{}" }),
      412,
      "precondition-failed"
    )
    expect((await send(server, "PUT", path, { token, headers: createHeaders, body: "{}" })).status).toBe(201)
  })
})

describe("415 unsupported media type", () => {
  it("rejects a PUT that is not JSON", async () => {
    const reply = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, {
      token,
      headers: { "content-type": "text/plain", "if-none-match": "*" },
      body: "{}"
    })
    expect(expectProblem(reply, 415, "unsupported-media-type").detail).toContain("application/json")
  })

  it("rejects a PUT without Content-Type", async () => {
    const reply = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, {
      token,
      headers: { "if-none-match": "*" },
      body: new Blob(["{}"])
    })
    expectProblem(reply, 415, "unsupported-media-type")
  })

  it("rejects a JSON charset other than UTF-8", async () => {
    const reply = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, {
      token,
      headers: { "content-type": "application/json; charset=iso-8859-1", "if-none-match": "*" },
      body: "{}"
    })
    expectProblem(reply, 415, "unsupported-media-type")
  })

  it("rejects a PATCH that is plain JSON", async () => {
    const { path, etag } = await createDraft()
    const reply = await send(server, "PATCH", path, { token, headers: replaceHeaders(etag), body: '{"page":2}' })

    expect(expectProblem(reply, 415, "unsupported-media-type").detail).toContain("application/merge-patch+json")
    expect(reply.headers.get("accept-patch")).toBe("application/merge-patch+json")
  })
})

describe("428 precondition required", () => {
  it("rejects writes without a precondition", async () => {
    const { path } = await createDraft()

    expectProblem(await send(server, "PUT", path, { token, headers: jsonHeaders, body: "{}" }), 428, "precondition-required")
    expectProblem(await send(server, "PATCH", path, { token, headers: mergePatchHeaders, body: "{}" }), 428, "precondition-required")
    expectProblem(await send(server, "POST", `${path}/submit`, { token }), 428, "precondition-required")
  })

  it("rejects If-Match: * because it names no version", async () => {
    const { path } = await createDraft()
    const reply = await send(server, "PUT", path, { token, headers: replaceHeaders("*"), body: "{}" })
    expect(expectProblem(reply, 428, "precondition-required").detail).toContain("If-Match: *")
  })

  it("accepts a DELETE without If-Match", async () => {
    const { path } = await createDraft()
    expect((await send(server, "DELETE", path, { token })).status).toBe(200)
  })
})

describe("500 integrity failure", () => {
  it("answers a tampered record and keeps serving", async () => {
    const { path } = await createDraft('{"page":"tamper"}')
    const draftId = path.split("/").at(-1)!

    await server.run(
      Effect.gen(function* () {
        const hot = yield* HotStore
        const key = (yield* StorageKeys).draftKey(ownerId(owner), toDraftId(draftId))
        const record = Option.getOrThrow(yield* hot.get(key))
        const bytes = Uint8Array.from(record.bytes)
        bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01
        yield* hot.write({ key, record: { ...record, bytes, etag: "tampered" }, ttlMillis: 60_000, condition: Any })
      })
    )

    const problem = expectProblem(await send(server, "GET", path, { token }), 500, "integrity-failure")
    expect(problem.detail).toContain("integrity")
    expect(server.logs.some((line) => line.includes("integrity check"))).toBe(true)

    expect((await send(server, "GET", "/healthz")).status).toBe(200)
    const other = await createDraft()
    expect((await send(server, "GET", other.path, { token })).status).toBe(200)
  })
})

describe("503 key service unavailable", () => {
  it("answers a save without a data key with Retry-After", async () => {
    const fresh = await startHttpTestServer()
    try {
      const freshToken = await fresh.tokenFor(owner)
      fresh.setKeyServiceFailing(true)
      const reply = await send(fresh, "PUT", `/v1/drafts/${newDraftId()}`, { token: freshToken, headers: createHeaders, body: "{}" })

      expect(expectProblem(reply, 503, "key-unavailable").detail).toContain("key service")
      expect(reply.headers.get("retry-after")).toBe("2")

      fresh.setKeyServiceFailing(false)
      const retried = await send(fresh, "PUT", `/v1/drafts/${newDraftId()}`, { token: freshToken, headers: createHeaders, body: "{}" })
      expect(retried.status).toBe(201)
    } finally {
      await fresh.close()
    }
  })
})

describe("503 store unavailable", () => {
  it("answers a save while the hot tier fails", async () => {
    await server.failNextHotCalls(10)
    const reply = await send(server, "PUT", `/v1/drafts/${newDraftId()}`, { token, headers: createHeaders, body: "{}" })
    await server.clearFaults()

    expect(expectProblem(reply, 503, "store-unavailable").detail).toContain("hot store")
    expect(reply.headers.get("retry-after")).toBe("1")
  })

  it("answers a read while the durable tier fails", async () => {
    const { path } = await createDraft()
    expect((await send(server, "POST", `${path}/flush`, { token })).status).toBe(200)
    await server.run(Effect.flatMap(HotStoreLoss, (loss) => loss.loseEverything))
    await server.failNextDurableCalls(1)

    const reply = await send(server, "GET", path, { token })
    expect(expectProblem(reply, 503, "store-unavailable").detail).toContain("durable store")
    expect(reply.headers.get("retry-after")).toBe("1")
    expect((await send(server, "GET", path, { token })).status).toBe(200)
  })

  it("answers a failing durable tier on flush", async () => {
    const { path } = await createDraft()
    await server.failNextDurableCalls(1)

    const reply = await send(server, "POST", `${path}/flush`, { token })
    expectProblem(reply, 503, "store-unavailable")
    expect(reply.headers.get("retry-after")).toBe("1")
  })
})
