import { type ChildProcess, spawn } from "node:child_process"
import { resolve } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type CliWorkspace, makeWorkspace, newDraftId } from "./cliHarness.ts"

const slow = { timeout: 600_000 }
const node = resolve(import.meta.dirname, "../../node_modules/.bin/node")
const cliMain = resolve(import.meta.dirname, "../../adapters/cli/main.ts")

/** Starts `claim-drafts serve` on a free loopback port and resolves with its base URL once it listens. */
const startServer = (workspace: CliWorkspace, env: Record<string, string> = {}) =>
  new Promise<{ child: ChildProcess; baseUrl: string; stderr: () => string }>((resolveStarted, reject) => {
    const child = spawn(node, [cliMain, "serve"], {
      env: { ...workspace.env, HOST: "127.0.0.1", PORT: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stderr = ""
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
      const address = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)
      if (address?.[1] !== undefined) resolveStarted({ child, baseUrl: address[1], stderr: () => stderr })
    })
    child.once("exit", (code) => reject(new Error(`serve exited with code ${code} before listening:\n${stderr}`)))
  })

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolveExit) => {
    if (child.exitCode !== null) return resolveExit(child.exitCode)
    child.once("exit", (code) => resolveExit(code))
  })

describe("claim-drafts serve", () => {
  let workspace: CliWorkspace
  beforeAll(async () => {
    workspace = await makeWorkspace()
  })
  afterAll(() => workspace.dispose())

  it("serves, holds the lock and persists on SIGTERM", slow, async () => {
    const tokenResult = await workspace.run(["token", "--owner", "claimant-serve"])
    expect(tokenResult.code).toBe(0)
    const authorization = `Bearer ${tokenResult.stdout.trim()}`

    const server = await startServer(workspace)
    const draftId = newDraftId()
    try {
      const locked = await workspace.run(["list", "--owner", "claimant-serve"])
      expect(locked.code).toBe(5)
      expect(locked.stderr).toContain(`locked by a running claim-drafts server (pid ${server.child.pid})`)

      const saved = await fetch(`${server.baseUrl}/v1/drafts/${draftId}`, {
        method: "PUT",
        headers: { authorization, "content-type": "application/json", "if-none-match": "*" },
        body: '{"via":"http"}'
      })
      expect(saved.status).toBe(201)
    } finally {
      server.child.kill("SIGTERM")
    }
    expect(await exitOf(server.child)).toBe(0)

    // The save above was pending in the server's in-memory hot tier; shutdown persisted it.
    const loaded = await workspace.run(["get", "--owner", "claimant-serve", draftId])
    expect(loaded.stderr).not.toContain("claim-drafts:")
    expect(loaded.code).toBe(0)
    expect(loaded.stdout).toBe('{"via":"http"}')
  })

  it("serves metrics on their own port", slow, async () => {
    const tokenResult = await workspace.run(["token", "--owner", "claimant-metrics"])
    expect(tokenResult.code).toBe(0)
    const authorization = `Bearer ${tokenResult.stdout.trim()}`

    const server = await startServer(workspace, { CLAIM_DRAFTS_METRICS_PORT: "0" })
    const draftId = newDraftId()
    try {
      // The metrics listener is built before the API server, so its line is logged first.
      const metricsUrl = /Serving Prometheus metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(server.stderr())?.[1]
      expect(metricsUrl).toBeDefined()
      expect(metricsUrl).not.toBe(`${server.baseUrl}/metrics`)

      const saved = await fetch(`${server.baseUrl}/v1/drafts/${draftId}`, {
        method: "PUT",
        headers: { authorization, "content-type": "application/json", "if-none-match": "*" },
        body: '{"via":"http"}'
      })
      expect(saved.status).toBe(201)

      const scraped = await fetch(metricsUrl!)
      expect(scraped.status).toBe(200)
      const text = await scraped.text()
      expect(text).toContain('claim_drafts_tier_available{tier="hot"} 1')
      expect(text).toContain('claim_drafts_tier_available{tier="durable"} 1')
      expect(text).toContain('claim_drafts_operations_total{operation="save",outcome="success"} 1')
      expect(text).not.toContain(draftId)
      expect(text).not.toContain("claimant-metrics")
      expect((await fetch(`${server.baseUrl}/metrics`)).status).toBe(404)
    } finally {
      server.child.kill("SIGTERM")
    }
    expect(await exitOf(server.child)).toBe(0)
  })
})
