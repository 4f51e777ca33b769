/**
 * The bare HTTP baseline, run as its own process like the real server:
 * `node bareHttpServer.ts` with BENCH_REDIS_URL and BENCH_TOKEN_SECRET (base64) set. For
 * `PUT /v1/drafts/{id}` it verifies the bearer token with jose exactly as the server's
 * embedded verifier requires (HS256, issuer and audience), parses the JSON body and stores
 * it with one raw SET. Prints `{"port":N}` once it listens on 127.0.0.1, stops on SIGTERM.
 */
import { randomBytes } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Redacted } from "effect"
import { Redis } from "ioredis"
import { jwtVerify } from "jose"
import { embeddedTokenRules } from "../../adapters/http/auth/embeddedTokens.ts"
import { clientOptions } from "../../adapters/redis/clientOptions.ts"
import { isStandalone, resolveOptions } from "../../adapters/redis/redisOptions.ts"

const redisUrl = process.env.BENCH_REDIS_URL
const tokenSecret = process.env.BENCH_TOKEN_SECRET
if (redisUrl === undefined || tokenSecret === undefined) {
  console.error("BENCH_REDIS_URL and BENCH_TOKEN_SECRET are required")
  process.exit(2)
}

const resolved = resolveOptions({ url: Redacted.make(redisUrl) })
if (resolved._tag === "Left") {
  console.error(`BENCH_REDIS_URL is invalid: it must be ${resolved.left.rule}`)
  process.exit(2)
}
if (!isStandalone(resolved.right)) throw new Error("BENCH_REDIS_URL is invalid: it must name one endpoint")
const redis = new Redis({ ...clientOptions(resolved.right), lazyConnect: false, connectionName: "claim-drafts-bench-bare" })
const secret = new Uint8Array(Buffer.from(tokenSecret, "base64"))
const ttlMillis = 7 * 24 * 60 * 60 * 1000
const maxBodyBytes = 256 * 1024
const pathPattern = /^\/v1\/drafts\/([A-Za-z0-9._~-]{16,128})$/

const reply = (response: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body)
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers })
  response.end(text)
}

const readBody = (incoming: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let received = 0
    incoming.on("data", (chunk: Buffer) => {
      received += chunk.length
      if (received <= maxBodyBytes) chunks.push(chunk)
    })
    incoming.on("end", () => resolve(received <= maxBodyBytes ? Buffer.concat(chunks) : undefined))
    incoming.on("error", reject)
  })

const handle = async (incoming: IncomingMessage, response: ServerResponse) => {
  const draftId = pathPattern.exec(incoming.url ?? "")?.[1]
  if (incoming.method !== "PUT" || draftId === undefined) return reply(response, 404, { title: "not found" })

  const token = /^Bearer (.+)$/.exec(incoming.headers.authorization ?? "")?.[1]
  if (token === undefined) return reply(response, 401, { title: "missing token" })
  let owner: string
  try {
    const verified = await jwtVerify(token, secret, {
      algorithms: [...embeddedTokenRules.algorithms],
      issuer: embeddedTokenRules.issuer,
      audience: embeddedTokenRules.audience,
      requiredClaims: ["exp", "sub"]
    })
    owner = String(verified.payload.sub)
  } catch {
    return reply(response, 401, { title: "invalid token" })
  }

  const body = await readBody(incoming)
  if (body === undefined) return reply(response, 413, { title: "body too large" })
  try {
    JSON.parse(body.toString("utf8"))
  } catch {
    return reply(response, 400, { title: "invalid JSON" })
  }

  await redis.set(`bench:bare:${owner}/${draftId}`, body, "PX", ttlMillis)
  const etag = `"${randomBytes(12).toString("base64url")}"`
  return reply(response, 200, { draftId, etag }, { etag })
}

// Only the SET can throw here (a timeout or a lost connection), so the response is 503, as
// the real server's is when its hot tier fails.
const server = createServer((incoming, response) => {
  handle(incoming, response).catch(() => {
    if (!response.headersSent) reply(response, 503, { title: "Redis is unavailable" })
    else response.end()
  })
})
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }))
})

process.on("SIGTERM", () => {
  server.close()
  server.closeAllConnections()
  redis.disconnect()
  process.exit(0)
})
