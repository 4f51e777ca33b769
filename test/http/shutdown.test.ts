import { type ChildProcess, spawn } from "node:child_process"
import { randomBytes, randomUUID } from "node:crypto"
import { mkdtemp, readdir, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Option, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { serverEnvironment } from "./support/serverEnvironment.ts"
import { issueToken } from "../../adapters/http/auth/issueToken.ts"
import { Secrets } from "../../programs/ports/Secrets.ts"

const mainModule = join(import.meta.dirname, "../../adapters/http/main.ts")

let directory: string
let environment: Record<string, string>
let token: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "claim-drafts-shutdown-"))
  const tokenSecret = randomBytes(32)
  environment = {
    ...serverEnvironment(directory, tokenSecret),
    // Keeps the write-behind loop from persisting the draft first: only shutdown may.
    CLAIM_DRAFTS_PERSIST_DEBOUNCE: "1 hour",
    CLAIM_DRAFTS_PERSIST_MAX_DELAY: "1 hour"
  }
  token = await Effect.runPromise(
    issueToken({ owner: "claimant-shutdown" }).pipe(
      Effect.provideService(Secrets, {
        storageKeySecret: Redacted.make(new Uint8Array(32)),
        tokenSigningSecret: Option.some(Redacted.make(new Uint8Array(tokenSecret)))
      })
    )
  )
})

afterAll(() => rm(directory, { recursive: true, force: true }))

interface RunningServer {
  readonly child: ChildProcess
  readonly baseUrl: string
  readonly output: () => string
  readonly exited: Promise<number | null>
}

/** Starts `npm start`'s entry point and waits for its listening address. */
const startServer = async (): Promise<RunningServer> => {
  const child = spawn(process.execPath, [mainModule], { env: environment, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  child.stdout.on("data", (chunk) => (output += chunk))
  child.stderr.on("data", (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))

  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 90_000)
    const check = () => {
      const address = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      if (address !== undefined) {
        clearTimeout(timer)
        resolve(address)
      }
    }
    child.stdout.on("data", check)
    void exited.then((code) => reject(new Error(`the server exited with ${code}:\n${output}`)))
  })
  return { child, baseUrl, output: () => output, exited }
}

const storedRecords = async (root: string): Promise<Array<string>> => {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith(".rec")).map((entry) => entry.name)
}

describe("graceful shutdown", () => {
  it("persists pending drafts on SIGTERM and serves them after restart", async () => {
    const draftPath = `/v1/drafts/${randomUUID()}`
    const document = '{"page":"before shutdown"}'

    const first = await startServer()
    const saved = await fetch(`${first.baseUrl}${draftPath}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "if-none-match": "*" },
      body: document
    })
    expect(saved.status).toBe(201)
    expect(((await saved.json()) as { durable: boolean }).durable).toBe(false)
    expect(await storedRecords(environment.CLAIM_DRAFTS_DATA_DIR!)).toEqual([])

    first.child.kill("SIGTERM")
    expect(await first.exited).toBe(0)
    expect(first.output()).toContain("Persisted 1 pending draft(s) before shutdown.")
    expect(await storedRecords(environment.CLAIM_DRAFTS_DATA_DIR!)).toHaveLength(1)

    const second = await startServer()
    const loaded = await fetch(`${second.baseUrl}${draftPath}`, { headers: { authorization: `Bearer ${token}` } })
    expect(loaded.status).toBe(200)
    expect(await loaded.text()).toBe(document)
    expect(loaded.headers.get("claim-drafts-tier")).toBe("durable")

    second.child.kill("SIGINT")
    expect(await second.exited).toBe(0)
    expect(second.output()).toContain("Persisted 0 pending draft(s) before shutdown.")
  }, 240_000)
})
