import { spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { createServer, type Server } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { serverEnvironment } from "./support/serverEnvironment.ts"

const mainModule = join(import.meta.dirname, "../../adapters/http/main.ts")

let directory: string
let environment: Record<string, string>

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "claim-drafts-startup-"))
  environment = serverEnvironment(directory)
})

afterAll(() => rm(directory, { recursive: true, force: true }))

/** Runs `npm start`'s entry point until it exits on its own, with a 30 s bound. */
const runServer = (overrides: Record<string, string>) =>
  new Promise<{ readonly code: number | null; readonly stderr: string }>((resolve) => {
    const env = { ...environment, ...overrides }
    const child = spawn(process.execPath, [mainModule], { env, stdio: ["ignore", "ignore", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (chunk) => (stderr += chunk))
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
    child.on("exit", (code) => {
      clearTimeout(timer)
      resolve({ code, stderr })
    })
  })

describe("server startup failures", () => {
  it("names each invalid setting, its rule and default, without its value", async () => {
    const { code, stderr } = await runServer({ CLAIM_DRAFTS_MAX_DEPTH: "deep", CLAIM_DRAFTS_RETENTION: "sixty-days" })

    expect(code).toBe(1)
    expect(stderr).toContain("CLAIM_DRAFTS_MAX_DEPTH is invalid: it must be a whole number from 1 to 1000")
    expect(stderr).toContain(`CLAIM_DRAFTS_RETENTION is invalid: it must be a duration such as "7 days"`)
    expect(stderr).not.toContain("deep")
    expect(stderr).not.toContain("sixty-days")
    expect(stderr).not.toMatch(/\n\s+at /)
  }, 40_000)

  it("says the address is in use and how to choose another", async () => {
    const occupied: Server = createServer()
    await new Promise<void>((resolve) => occupied.listen(0, "127.0.0.1", resolve))
    const address = occupied.address()
    const port = typeof address === "object" && address !== null ? address.port : 0

    try {
      const { code, stderr } = await runServer({ PORT: String(port) })
      expect(code).toBe(1)
      expect(stderr).toContain(`The HTTP server could not listen: listen EADDRINUSE`)
      expect(stderr).toContain("set HOST and PORT to a free one")
      expect(stderr).not.toMatch(/\n\s+at /)
    } finally {
      await new Promise((resolve) => occupied.close(resolve))
    }
  }, 40_000)

  it("rejects an invalid PORT without quoting it", async () => {
    const { code, stderr } = await runServer({ PORT: "eighty" })

    expect(code).toBe(1)
    expect(stderr).toContain("PORT is invalid: it must be a whole number from 0 to 65535 (0 picks a free port)")
    expect(stderr).not.toContain("eighty")
  }, 40_000)
})
