import { resolve } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RedisCluster, startRedisCluster } from "../support/redisCluster.ts"
import { type CliWorkspace, makeWorkspace, newDraftId, runNode } from "./cliHarness.ts"

const slow = { timeout: 600_000 }
const cliMain = resolve(import.meta.dirname, "../../adapters/cli/main.ts")

describe("claim-drafts with a Redis Cluster hot tier", () => {
  let workspace: CliWorkspace
  let cluster: RedisCluster
  const run = (env: Record<string, string>, args: ReadonlyArray<string>, input?: string) =>
    runNode([cliMain, ...args], { ...workspace.env, ...env }, input)

  beforeAll(async () => {
    workspace = await makeWorkspace()
    cluster = await startRedisCluster()
  }, 120_000)
  afterAll(async () => {
    await cluster?.stop()
    await workspace?.dispose()
  })

  it("REDIS_CLUSTER_URL selects the cluster", slow, async () => {
    const env = { REDIS_CLUSTER_URL: cluster.url }
    const draftId = newDraftId()

    const created = await run(env, ["put", "--owner", "o-cluster", draftId, "--create"], '{"hot":"cluster"}')
    expect(created.stderr).not.toContain("claim-drafts:")
    expect(created.code).toBe(0)

    const loaded = await run(env, ["get", "--owner", "o-cluster", draftId])
    expect(loaded.code).toBe(0)
    expect(loaded.stdout).toBe('{"hot":"cluster"}')
    expect(loaded.stderr).toContain("tier: hot")
  })

  it("invalid REDIS_CLUSTER_URL names the rule", slow, async () => {
    const env = { REDIS_CLUSTER_URL: `redis://:hunter2-secret@${cluster.url.slice("redis://".length)}/3` }

    const result = await run(env, ["list", "--owner", "o-cluster"])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain("REDIS_CLUSTER_URL is invalid")
    expect(result.stderr).toContain("no database number")
    expect(result.stderr + result.stdout).not.toContain("hunter2-secret")
  })

  it("both Redis URLs are rejected", slow, async () => {
    const env = { REDIS_CLUSTER_URL: cluster.url, REDIS_URL: `redis://127.0.0.1:${cluster.nodes[0]!.port}` }

    const result = await run(env, ["list", "--owner", "o-cluster"])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain("Set exactly one of REDIS_URL (one endpoint) and REDIS_CLUSTER_URL")
  })
})
