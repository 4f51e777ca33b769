import { randomBytes } from "node:crypto"
import { Effect, Either, Option, Redacted } from "effect"
import { decodeJwt, SignJWT, UnsecuredJWT } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { issueToken } from "../../adapters/http/auth/issueToken.ts"
import { Secrets } from "../../programs/ports/Secrets.ts"
import { type Reply, send } from "./support/client.ts"
import { type HttpTestServer, startHttpTestServer } from "./support/httpTestServer.ts"

let server: HttpTestServer

beforeAll(async () => {
  server = await startHttpTestServer()
})

afterAll(() => server.close())

const nowSeconds = () => Math.floor(Date.now() / 1000)

/** A token like the embedded ones, with `change` applied before signing. */
const forge = (change: (jwt: SignJWT) => SignJWT, key: Uint8Array = server.signingSecret, alg = "HS256") =>
  change(
    new SignJWT({})
      .setProtectedHeader({ alg })
      .setSubject("claimant-auth")
      .setIssuer("claim-drafts")
      .setAudience("claim-drafts")
      .setIssuedAt()
      .setExpirationTime(nowSeconds() + 600)
  ).sign(key)

const listWith = (authorization?: string) =>
  send(server, "GET", "/v1/drafts", authorization === undefined ? {} : { headers: { authorization } })

const expectUnauthorized = (reply: Reply, challengeError?: string) => {
  expect(reply.status).toBe(401)
  expect(reply.headers.get("content-type")).toBe("application/problem+json")
  expect(reply.json().type).toBe("urn:claim-drafts:problem:authentication-required")
  const challenge = reply.headers.get("www-authenticate")
  expect(challenge).toMatch(/^Bearer realm="claim-drafts"/)
  if (challengeError !== undefined) expect(challenge).toContain(`error="${challengeError}"`)
  return reply.json().detail as string
}

describe("bearer tokens", () => {
  it("accepts an issued token", async () => {
    const reply = await listWith(`Bearer ${await server.tokenFor("claimant-auth")}`)
    expect(reply.status).toBe(200)
    expect(reply.json()).toEqual([])
  })

  it("rejects a missing token", async () => {
    const detail = expectUnauthorized(await listWith())
    expect(detail).toContain("missing")
    expect((await listWith()).headers.get("www-authenticate")).toBe('Bearer realm="claim-drafts"')
  })

  it("rejects another scheme", async () => {
    expectUnauthorized(await listWith("Basic dXNlcjpwYXNz"), "invalid_request")
  })

  it("rejects an expired token", async () => {
    const token = await forge((jwt) => jwt.setIssuedAt(nowSeconds() - 7200).setExpirationTime(nowSeconds() - 3600))
    expect(expectUnauthorized(await listWith(`Bearer ${token}`), "invalid_token")).toContain("expired")
  })

  it("rejects a token without exp", async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("claimant-auth")
      .setIssuer("claim-drafts")
      .setAudience("claim-drafts")
      .sign(server.signingSecret)
    expect(expectUnauthorized(await listWith(`Bearer ${token}`), "invalid_token")).toContain('"exp"')
  })

  it("rejects an algorithm outside the allowlist", async () => {
    const token = await forge((jwt) => jwt, server.signingSecret, "HS512")
    expect(expectUnauthorized(await listWith(`Bearer ${token}`), "invalid_token")).toContain("algorithm")
  })

  it("rejects alg none", async () => {
    const token = new UnsecuredJWT({ sub: "claimant-auth", iss: "claim-drafts", aud: "claim-drafts" })
      .setExpirationTime(nowSeconds() + 600)
      .encode()
    expectUnauthorized(await listWith(`Bearer ${token}`), "invalid_token")
  })

  it("rejects a token signed with another secret", async () => {
    const token = await forge((jwt) => jwt, new Uint8Array(randomBytes(32)))
    expect(expectUnauthorized(await listWith(`Bearer ${token}`), "invalid_token")).toContain("signature")
  })

  it("rejects a wrong issuer and audience", async () => {
    const wrongIssuer = await forge((jwt) => jwt.setIssuer("someone-else"))
    expect(expectUnauthorized(await listWith(`Bearer ${wrongIssuer}`), "invalid_token")).toContain('"iss"')

    const wrongAudience = await forge((jwt) => jwt.setAudience("another-api"))
    expect(expectUnauthorized(await listWith(`Bearer ${wrongAudience}`), "invalid_token")).toContain('"aud"')
  })

  it("rejects a sub that is not an owner id", async () => {
    const token = await forge((jwt) => jwt.setSubject("owner with spaces"))
    const detail = expectUnauthorized(await listWith(`Bearer ${token}`), "invalid_token")
    expect(detail).toContain('"sub"')
    expect(detail).not.toContain("owner with spaces")
  })

  it("rejects a malformed token", async () => {
    expectUnauthorized(await listWith("Bearer not.a.jwt"), "invalid_token")
    expectUnauthorized(await listWith("Bearer"), "invalid_request")
  })

  it("checks the token before the draft id", async () => {
    const reply = await send(server, "GET", "/v1/drafts/short")
    expect(reply.status).toBe(401)
  })
})

describe("public endpoints", () => {
  it("need no token", async () => {
    for (const path of ["/healthz", "/readyz", "/openapi.json", "/docs"]) {
      expect((await send(server, "GET", path)).status, path).toBe(200)
    }
  })
})

describe("issueToken", () => {
  const secrets = {
    storageKeySecret: Redacted.make(new Uint8Array(32)),
    tokenSigningSecret: Option.some(Redacted.make(new Uint8Array(randomBytes(32))))
  }
  const issue = (request: Parameters<typeof issueToken>[0], provided = secrets) =>
    Effect.runPromise(Effect.either(issueToken(request).pipe(Effect.provideService(Secrets, provided))))

  it("issues a one-hour token by default", async () => {
    const token = Either.getOrThrow(await issue({ owner: "claimant-issued" }))
    const claims = decodeJwt(token)

    expect(claims.sub).toBe("claimant-issued")
    expect(claims.iss).toBe("claim-drafts")
    expect(claims.aud).toBe("claim-drafts")
    expect(claims.exp! - claims.iat!).toBe(3600)
  })

  it("honours a requested lifetime", async () => {
    const claims = decodeJwt(Either.getOrThrow(await issue({ owner: "claimant-issued", ttlSeconds: 120 })))
    expect(claims.exp! - claims.iat!).toBe(120)
  })

  it("rejects an invalid owner", async () => {
    const result = await issue({ owner: "not an owner" })
    expect(Either.getOrThrow(Either.flip(result))._tag).toBe("InvalidId")
  })

  it("rejects lifetimes out of range", async () => {
    for (const ttlSeconds of [0, -5, 1.5, 31 * 24 * 3600]) {
      const result = await issue({ owner: "claimant-issued", ttlSeconds })
      expect(Either.getOrThrow(Either.flip(result))._tag, String(ttlSeconds)).toBe("InvalidTokenLifetime")
    }
  })

  it("fails without a token signing secret", async () => {
    const result = await issue({ owner: "claimant-issued" }, { ...secrets, tokenSigningSecret: Option.none() })
    expect(Either.getOrThrow(Either.flip(result))._tag).toBe("KeyConfigError")
  })
})
