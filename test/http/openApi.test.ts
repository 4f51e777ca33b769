import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { send } from "./support/client.ts"
import { type HttpTestServer, startHttpTestServer } from "./support/httpTestServer.ts"

let server: HttpTestServer
let spec: any

beforeAll(async () => {
  server = await startHttpTestServer()
  const reply = await send(server, "GET", "/openapi.json")
  expect(reply.status).toBe(200)
  spec = reply.json()
})

afterAll(() => server.close())

const problemSchemaOf = (response: any) => response?.content?.["application/problem+json"]?.schema?.$ref

describe("OpenAPI document", () => {
  it("lists every path and method", () => {
    expect(spec.openapi).toBe("3.1.0")
    expect(Object.keys(spec.paths["/v1/drafts/{draftId}"]).sort()).toEqual(["delete", "get", "patch", "put"])
    expect(Object.keys(spec.paths["/v1/drafts"]).sort()).toEqual(["delete", "get"])
    expect(Object.keys(spec.paths["/v1/drafts/{draftId}/flush"])).toEqual(["post"])
    expect(Object.keys(spec.paths["/v1/drafts/{draftId}/submit"])).toEqual(["post"])
    expect(Object.keys(spec.paths["/healthz"])).toEqual(["get"])
    expect(Object.keys(spec.paths["/readyz"])).toEqual(["get"])
  })

  it("requires bearer tokens on drafts only", () => {
    expect(spec.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer", bearerFormat: "JWT" })
    expect(spec.paths["/v1/drafts"].get.security).toEqual([{ bearer: [] }])
    expect(spec.paths["/healthz"].get.security).toEqual([])
  })

  it("documents the save statuses as problems", () => {
    const responses = spec.paths["/v1/drafts/{draftId}"].put.responses
    expect(Object.keys(responses).sort()).toEqual(
      ["200", "201", "400", "401", "404", "409", "412", "413", "415", "428", "500", "503"].sort()
    )
    expect(problemSchemaOf(responses["400"])).toBe("#/components/schemas/BadRequestProblem")
    expect(problemSchemaOf(responses["412"])).toBe("#/components/schemas/PreconditionFailedProblem")
    expect(problemSchemaOf(responses["428"])).toBe("#/components/schemas/PreconditionRequiredProblem")
    expect(responses["201"].headers.ETag).toBeDefined()
    expect(responses["201"].headers.Location).toBeDefined()
  })

  it("documents the request media types", () => {
    expect(Object.keys(spec.paths["/v1/drafts/{draftId}"].put.requestBody.content)).toEqual(["application/json"])
    expect(Object.keys(spec.paths["/v1/drafts/{draftId}"].patch.requestBody.content)).toEqual([
      "application/merge-patch+json"
    ])
  })

  it("leaves out HttpApi's decode error", () => {
    expect(spec.components.schemas.HttpApiDecodeError).toBeUndefined()
    expect(spec.paths["/healthz"].get.responses["400"]).toBeUndefined()
    expect(JSON.stringify(spec)).not.toContain("HttpApiDecodeError")
  })
})

describe("Swagger UI", () => {
  it("serves the documentation page", async () => {
    const reply = await send(server, "GET", "/docs")
    expect(reply.status).toBe(200)
    expect(reply.headers.get("content-type")).toMatch(/^text\/html/)
    expect(reply.text).toContain("swagger-ui")
    expect(reply.text).toContain("/v1/drafts/{draftId}")
  })
})
