import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ConfigProvider, Effect, Either, Option } from "effect"
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { jwksSettings } from "../../adapters/http/auth/jwksConfig.ts"
import * as JwksTokenVerifier from "../../adapters/http/auth/JwksTokenVerifier.ts"
import type { TokenRules } from "../../adapters/http/auth/verifyJwt.ts"
import { send } from "./support/client.ts"
import { type HttpTestServer, startHttpTestServer } from "./support/httpTestServer.ts"

const rules: TokenRules = { algorithms: ["RS256", "ES256"], issuer: "https://id.example.test/", audience: "claim-drafts-api" }

let signingKey: CryptoKey
let publicJwk: JWK
let directory: string

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true })
  signingKey = pair.privateKey
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "test-key-1", alg: "RS256", use: "sig" }
  directory = await mkdtemp(join(tmpdir(), "claim-drafts-jwks-"))
})

afterAll(() => rm(directory, { recursive: true, force: true }))

const tokenFor = (owner: string, change: (jwt: SignJWT) => SignJWT = (jwt) => jwt) =>
  change(
    new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: "test-key-1" })
      .setSubject(owner)
      .setIssuer(rules.issuer)
      .setAudience(rules.audience)
      .setIssuedAt()
      .setExpirationTime("10m")
  ).sign(signingKey)

/** Serves `respond` on a free loopback port. */
const startKeyServer = async (respond: (send: (status: number, body: string) => void) => void) => {
  const keyServer: Server = createServer((_request, response) =>
    respond((status, body) => response.writeHead(status, { "content-type": "application/json" }).end(body))
  )
  await new Promise<void>((resolve) => keyServer.listen(0, "127.0.0.1", resolve))
  const { port } = keyServer.address() as AddressInfo
  return { url: new URL(`http://127.0.0.1:${port}/jwks.json`), close: () => new Promise((resolve) => keyServer.close(resolve)) }
}

const withServer = async (verifier: Parameters<typeof startHttpTestServer>[0], use: (server: HttpTestServer) => Promise<void>) => {
  const server = await startHttpTestServer(verifier)
  try {
    await use(server)
  } finally {
    await server.close()
  }
}

const listAs = (server: HttpTestServer, token: string) => send(server, "GET", "/v1/drafts", { token })

describe("JWK set from a file", () => {
  it("accepts a token signed by a listed key", async () => {
    const file = join(directory, "keys.json")
    await writeFile(file, JSON.stringify({ keys: [publicJwk] }))
    const verifier = JwksTokenVerifier.layer({ source: { _tag: "File", path: file }, rules })

    await withServer({ verifier }, async (server) => {
      expect((await listAs(server, await tokenFor("claimant-jwks"))).status).toBe(200)

      const wrongAudience = await tokenFor("claimant-jwks", (jwt) => jwt.setAudience("another-api"))
      expect((await listAs(server, wrongAudience)).status).toBe(401)

      const hmac = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("claimant-jwks")
        .setIssuer(rules.issuer)
        .setAudience(rules.audience)
        .setExpirationTime("10m")
        .sign(new Uint8Array(32))
      const rejected = await listAs(server, hmac)
      expect(rejected.status).toBe(401)
      expect(rejected.json().detail).toContain("algorithm")
    })
  })

  it("rejects a key set with private keys", async () => {
    const file = join(directory, "private.json")
    await writeFile(file, JSON.stringify({ keys: [{ ...(await exportJWK(signingKey)), kid: "leaked" }] }))

    const result = await Effect.runPromise(Effect.either(JwksTokenVerifier.make({ source: { _tag: "File", path: file }, rules })))
    expect(Either.getOrThrow(Either.flip(result)).message).toContain("private or symmetric keys")
  })

  it("rejects a missing file", async () => {
    const result = await Effect.runPromise(
      Effect.either(JwksTokenVerifier.make({ source: { _tag: "File", path: join(directory, "absent.json") }, rules }))
    )
    expect(Either.getOrThrow(Either.flip(result))._tag).toBe("KeyConfigError")
  })
})

describe("JWK set from a URL", () => {
  it("accepts a token signed by a fetched key", async () => {
    const keys = await startKeyServer((reply) => reply(200, JSON.stringify({ keys: [publicJwk] })))
    const verifier = JwksTokenVerifier.layer({ source: { _tag: "Url", url: keys.url }, rules })

    try {
      await withServer({ verifier }, async (server) => {
        expect((await listAs(server, await tokenFor("claimant-remote"))).status).toBe(200)
      })
    } finally {
      await keys.close()
    }
  })

  it("answers 503 while the key set cannot be fetched", async () => {
    const keys = await startKeyServer((reply) => reply(500, "{}"))
    const verifier = JwksTokenVerifier.layer({ source: { _tag: "Url", url: keys.url }, rules })

    try {
      await withServer({ verifier }, async (server) => {
        const reply = await listAs(server, await tokenFor("claimant-remote"))
        expect(reply.status).toBe(503)
        expect(reply.json().type).toBe("urn:claim-drafts:problem:token-keys-unavailable")
        expect(reply.headers.get("retry-after")).toBe("5")
      })
    } finally {
      await keys.close()
    }
  })
})

describe("JWK set settings", () => {
  const settingsFrom = (env: Record<string, string>) =>
    Effect.runPromise(
      Effect.either(jwksSettings.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))))
    )

  it("are absent without a key set source", async () => {
    expect(await settingsFrom({})).toEqual(Either.right(Option.none()))
  })

  it("read a URL with issuer, audience and algorithms", async () => {
    const result = await settingsFrom({
      CLAIM_DRAFTS_JWKS_URL: "https://id.example.test/.well-known/jwks.json",
      CLAIM_DRAFTS_JWT_ISSUER: "https://id.example.test/",
      CLAIM_DRAFTS_JWT_AUDIENCE: "claim-drafts-api",
      CLAIM_DRAFTS_JWT_ALGORITHMS: "ES256, PS256"
    })
    const settings = Option.getOrThrow(Either.getOrThrow(result))
    expect(settings.source).toEqual({ _tag: "Url", url: new URL("https://id.example.test/.well-known/jwks.json") })
    expect(settings.rules).toEqual({
      algorithms: ["ES256", "PS256"],
      issuer: "https://id.example.test/",
      audience: "claim-drafts-api"
    })
  })

  const rejected = [
    ["a missing issuer", { CLAIM_DRAFTS_JWKS_FILE: "/keys.json", CLAIM_DRAFTS_JWT_AUDIENCE: "api" }, "CLAIM_DRAFTS_JWT_ISSUER"],
    ["a missing audience", { CLAIM_DRAFTS_JWKS_FILE: "/keys.json", CLAIM_DRAFTS_JWT_ISSUER: "iss" }, "CLAIM_DRAFTS_JWT_AUDIENCE"],
    [
      "plain HTTP to another host",
      { CLAIM_DRAFTS_JWKS_URL: "http://id.example.test/jwks", CLAIM_DRAFTS_JWT_ISSUER: "iss", CLAIM_DRAFTS_JWT_AUDIENCE: "api" },
      "https"
    ],
    [
      "alg none",
      {
        CLAIM_DRAFTS_JWKS_FILE: "/keys.json",
        CLAIM_DRAFTS_JWT_ISSUER: "iss",
        CLAIM_DRAFTS_JWT_AUDIENCE: "api",
        CLAIM_DRAFTS_JWT_ALGORITHMS: "RS256,none"
      },
      "none is not an allowed algorithm"
    ],
    [
      "HMAC algorithms",
      {
        CLAIM_DRAFTS_JWKS_FILE: "/keys.json",
        CLAIM_DRAFTS_JWT_ISSUER: "iss",
        CLAIM_DRAFTS_JWT_AUDIENCE: "api",
        CLAIM_DRAFTS_JWT_ALGORITHMS: "HS256"
      },
      "HS256 is not an allowed algorithm"
    ],
    [
      "both sources",
      {
        CLAIM_DRAFTS_JWKS_FILE: "/keys.json",
        CLAIM_DRAFTS_JWKS_URL: "https://id.example.test/jwks",
        CLAIM_DRAFTS_JWT_ISSUER: "iss",
        CLAIM_DRAFTS_JWT_AUDIENCE: "api"
      },
      "both key set sources"
    ],
    ["an issuer without a key set", { CLAIM_DRAFTS_JWT_ISSUER: "iss" }, "no JWK set is configured"]
  ] as const

  for (const [name, env, expected] of rejected) {
    it(`reject ${name}`, async () => {
      const result = await settingsFrom(env)
      expect(Either.getOrThrow(Either.flip(result)).message).toContain(expected)
    })
  }
})
