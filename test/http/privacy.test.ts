import { Effect, Layer, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Drafts } from "../../programs/Drafts.ts"
import { Any, HotStore } from "../../programs/ports/HotStore.ts"
import { StorageKeys } from "../../programs/StorageKeys.ts"
import { draftId as toDraftId, ownerId } from "../support/draftIds.ts"
import { createHeaders, jsonHeaders, mergePatchHeaders, type Reply, replaceHeaders, send } from "./support/client.ts"
import { type HttpTestServer, newDraftId, startHttpTestServer } from "./support/httpTestServer.ts"

/** A value that stands for personal data: it must never leave through a problem, a header or a log. */
const marker = "SSN-MARKER-5f2c91"

const owner = "claimant-privacy-7d1e"
const maxDocumentBytes = 2048

let server: HttpTestServer
let token: string

beforeAll(async () => {
  server = await startHttpTestServer({ config: { maxDocumentBytes, maxDepth: 4 } })
  token = await server.tokenFor(owner)
})

afterAll(() => server.close())

const headerValues = (reply: Reply) => [...reply.headers.values()].join("\n")

/** Checks a reply that must not contain the marker anywhere. */
const expectNoMarker = (reply: Reply) => {
  expect(reply.text).not.toContain(marker)
  expect(headerValues(reply)).not.toContain(marker)
  return reply
}

describe("draft values stay out of problems, headers and logs", () => {
  it("in every failure and metadata response", async () => {
    const draftId = newDraftId()
    const path = `/v1/drafts/${draftId}`
    const document = JSON.stringify({ ssn: marker, page: 1 })

    const created = expectNoMarker(await send(server, "PUT", path, { token, headers: createHeaders, body: document }))
    expect(created.status).toBe(201)
    const etag = created.headers.get("etag")!

    const loaded = await send(server, "GET", path, { token })
    expect(loaded.text).toContain(marker)
    expect(headerValues(loaded)).not.toContain(marker)

    const failures = [
      await send(server, "PUT", `/v1/drafts/${newDraftId()}`, { token, headers: createHeaders, body: `{"ssn": "${marker}"` }),
      await send(server, "PUT", `/v1/drafts/${newDraftId()}`, { token, headers: createHeaders, body: `["${marker}"]` }),
      await send(server, "PUT", `/v1/drafts/${newDraftId()}`, {
        token,
        headers: createHeaders,
        body: JSON.stringify({ ssn: marker, filler: "x".repeat(maxDocumentBytes) })
      }),
      await send(server, "PUT", `/v1/drafts/${newDraftId()}`, {
        token,
        headers: createHeaders,
        body: JSON.stringify({ a: { b: { c: { d: { ssn: marker } } } } })
      }),
      await send(server, "PATCH", path, {
        token,
        headers: { ...mergePatchHeaders, "if-match": etag },
        // The patch fits the limit; the merge with the stored fields does not.
        body: JSON.stringify({ filler: `${marker}${"x".repeat(maxDocumentBytes - 35)}` })
      }),
      await send(server, "PATCH", path, { token, headers: { ...mergePatchHeaders, "if-match": etag }, body: `{"ssn": ${marker}}` }),
      await send(server, "PUT", path, { token, headers: jsonHeaders, body: document }),
      await send(server, "PUT", path, { token, headers: replaceHeaders('"9-stale"'), body: document }),
      await send(server, "PUT", path, { token, headers: { "content-type": "text/plain", "if-match": etag }, body: document }),
      await send(server, "PUT", `/v1/drafts/${marker}!`, { token, headers: createHeaders, body: document })
    ]
    expect(failures.map((reply) => reply.status)).toEqual([400, 400, 413, 400, 413, 400, 428, 412, 415, 400])
    failures.forEach(expectNoMarker)

    await server.failNextHotCalls(10)
    const unavailable = expectNoMarker(await send(server, "PUT", `/v1/drafts/${newDraftId()}`, { token, headers: createHeaders, body: document }))
    await server.clearFaults()
    expect(unavailable.status).toBe(503)

    expect(expectNoMarker(await send(server, "GET", "/v1/drafts", { token })).status).toBe(200)
    expect(expectNoMarker(await send(server, "POST", `${path}/flush`, { token })).status).toBe(200)

    await server.run(
      Effect.gen(function* () {
        const hot = yield* HotStore
        const key = (yield* StorageKeys).draftKey(ownerId(owner), toDraftId(draftId))
        const record = Option.getOrThrow(yield* hot.get(key))
        const bytes = Uint8Array.from(record.bytes)
        bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff
        yield* hot.write({ key, record: { ...record, bytes, etag: "tampered" }, ttlMillis: 60_000, condition: Any })
      })
    )
    expect(expectNoMarker(await send(server, "GET", path, { token })).status).toBe(500)
    const listed = expectNoMarker(await send(server, "GET", "/v1/drafts", { token }))
    expect(listed.json().map((version: { draftId: string }) => version.draftId)).not.toContain(draftId)
  })

  it("in the server's logs, which name no id either", () => {
    expect(server.logs.length).toBeGreaterThan(0)
    const logs = server.logs.join("\n")
    expect(logs).not.toContain(marker)
    expect(logs).not.toContain(owner)
  })
})

describe("unexpected defects", () => {
  const dies = () => Effect.die(new Error(`programs failed while holding ${marker}`))
  const dyingDrafts = Layer.succeed(Drafts, {
    save: dies,
    patch: dies,
    load: dies,
    list: dies,
    flush: dies,
    submit: dies,
    delete: dies,
    deleteAll: dies,
    persistPending: dies(),
    persistAll: dies(),
    sweepExpired: dies(),
    pendingCount: dies()
  })

  it("answer a generic 500 problem and log no message", async () => {
    const dying = await startHttpTestServer({ drafts: dyingDrafts })
    try {
      const reply = await send(dying, "GET", `/v1/drafts/${newDraftId()}`, { token: await dying.tokenFor(owner) })

      expect(reply.status).toBe(500)
      expect(reply.headers.get("content-type")).toBe("application/problem+json")
      expect(reply.json().type).toBe("urn:claim-drafts:problem:internal-error")
      expectNoMarker(reply)

      const logs = dying.logs.join("\n")
      expect(logs).toContain("failed unexpectedly")
      expect(logs).toContain("Error")
      expect(logs).not.toContain(marker)
      expect((await send(dying, "GET", "/healthz")).status).toBe(200)
    } finally {
      await dying.close()
    }
  })
})
