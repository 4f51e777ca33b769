import { mkdir, writeFile } from "node:fs/promises"
import { join, resolve } from "node:path"
import { Effect, Layer, Option, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { OwnerId } from "../../domain/ids.ts"
import * as DataDirLock from "../../adapters/filesystem/dataDirLock.ts"
import { Secrets } from "../../programs/ports/Secrets.ts"
import { StorageKeys } from "../../programs/StorageKeys.ts"
import { type RedisServer, startRedisServer } from "../support/redisServer.ts"
import { type CliWorkspace, makeWorkspace, newDraftId, runNode } from "./cliHarness.ts"

const slow = { timeout: 600_000 }
const cliMain = resolve(import.meta.dirname, "../../adapters/cli/main.ts")

describe("claim-drafts with a Redis hot tier", () => {
  let workspace: CliWorkspace
  let redis: RedisServer
  let env: Record<string, string>
  const run = (args: ReadonlyArray<string>, input?: string) => runNode([cliMain, ...args], env, input)

  beforeAll(async () => {
    workspace = await makeWorkspace()
    redis = await startRedisServer()
    env = { ...workspace.env, REDIS_URL: redis.url }
  }, 120_000)
  afterAll(async () => {
    await redis.stop()
    await workspace.dispose()
  })

  it("takes no data directory lock", slow, async () => {
    // A lock left by a server that still runs (this test process) would stop the embedded default.
    await mkdir(workspace.dataDirectory, { recursive: true })
    const lock = JSON.stringify({ pid: process.pid, holder: "server", token: "other", acquiredAt: new Date().toISOString() })
    await writeFile(join(workspace.dataDirectory, DataDirLock.lockFileName), lock)

    const draftId = newDraftId()
    const created = await run(["put", "--owner", "o-redis", draftId, "--create"], '{"hot":"redis"}')
    expect(created.stderr).not.toContain("claim-drafts:")
    expect(created.code).toBe(0)
    expect(JSON.parse(created.stdout)).toMatchObject({ durable: true })

    const loaded = await run(["get", "--owner", "o-redis", draftId])
    expect(loaded.code).toBe(0)
    expect(loaded.stdout).toBe('{"hot":"redis"}')
    expect(loaded.stderr).toContain("tier: hot")
  })

  it("failed persist stays pending in Redis", slow, async () => {
    const owner = "o-redis-pending" as OwnerId
    const secrets = Layer.succeed(Secrets, {
      storageKeySecret: Redacted.make(workspace.storageSecret),
      tokenSigningSecret: Option.none()
    })
    const storageKeys = await Effect.runPromise(Effect.provide(StorageKeys, StorageKeys.Default.pipe(Layer.provide(secrets))))
    await mkdir(workspace.dataDirectory, { recursive: true })
    await writeFile(join(workspace.dataDirectory, storageKeys.ownerDigest(owner)), "not a directory")

    const draftId = newDraftId()
    const saved = await run(["put", "--owner", owner, draftId, "--create"], '{"pending":true}')
    expect(saved.code).toBe(6)
    expect(saved.stderr).toContain("reached the hot tier but not yet the durable tier")

    // The write survives this process in Redis, so it can still be read.
    const loaded = await run(["get", "--owner", owner, draftId, "--meta"])
    expect(loaded.code).toBe(0)
    expect(JSON.parse(loaded.stdout)).toMatchObject({ durable: false, tier: "hot" })

    const inspected = await run(["inspect"])
    expect(inspected.code).toBe(0)
    expect(inspected.stderr).toContain("hot tier: 1 draft pending persistence")
  })
})
