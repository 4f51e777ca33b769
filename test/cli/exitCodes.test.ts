import { spawn } from "node:child_process"
import { mkdir, writeFile } from "node:fs/promises"
import { join, resolve } from "node:path"
import { Effect, Layer, Option, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { OwnerId } from "../../domain/ids.ts"
import { Secrets } from "../../programs/ports/Secrets.ts"
import { StorageKeys } from "../../programs/StorageKeys.ts"
import { type CliWorkspace, makeWorkspace, newDraftId } from "./cliHarness.ts"

const slow = { timeout: 600_000 }

describe("claim-drafts exit codes", () => {
  let workspace: CliWorkspace
  beforeAll(async () => {
    workspace = await makeWorkspace()
  })
  afterAll(() => workspace.dispose())

  it("not found exits 3", slow, async () => {
    const result = await workspace.run(["get", "--owner", "nobody", newDraftId()])
    expect(result.code).toBe(3)
    expect(result.stderr).toContain("No live draft exists with this id for this owner")
    expect(result.stderr).toContain("longer ago than the submit grace period")
    expect(result.stdout).toBe("")
  })

  it("stale ETag and existing draft exit 4", slow, async () => {
    const draftId = newDraftId()
    const created = await workspace.run(["put", "--owner", "o-stale", draftId, "--create"], '{"a":1}')
    expect(created.code).toBe(0)
    const { etag } = JSON.parse(created.stdout) as { etag: string }

    const updated = await workspace.run(["put", "--owner", "o-stale", draftId, "--if-match", etag], '{"a":2}')
    expect(updated.code).toBe(0)

    const stale = await workspace.run(["patch", "--owner", "o-stale", draftId, "--if-match", etag], '{"a":3}')
    expect(stale.code).toBe(4)
    expect(stale.stderr).toContain("If-Match does not name the current version")

    const again = await workspace.run(["put", "--owner", "o-stale", draftId, "--create"], '{"a":4}')
    expect(again.code).toBe(4)

    const staleDelete = await workspace.run(["delete", "--owner", "o-stale", draftId, "--if-match", etag])
    expect(staleDelete.code).toBe(4)
  })

  it("ETag of a missing draft exits 4", slow, async () => {
    const etag = '"1-AAAAAAAAAAAAAAAA"'

    const put = await workspace.run(["put", "--owner", "o-missing", newDraftId(), "--if-match", etag], '{"a":1}')
    expect(put.code).toBe(4)
    expect(put.stderr).toContain("has no current version")
    expect(put.stderr).toContain("--create")

    const patched = await workspace.run(["patch", "--owner", "o-missing", newDraftId(), "--if-match", etag], '{"a":1}')
    expect(patched.code).toBe(4)
  })

  it("invalid ids exit 2 and name the field", slow, async () => {
    const shortId = await workspace.run(["get", "--owner", "o-1", "short"])
    expect(shortId.code).toBe(2)
    expect(shortId.stderr).toContain("draftId is invalid")

    const badOwner = await workspace.run(["list", "--owner", "has space"])
    expect(badOwner.code).toBe(2)
    expect(badOwner.stderr).toContain("--owner is invalid")
  })

  it("invalid JSON exits 2 without echoing it", slow, async () => {
    const secret = "MARKER-ssn-078-05-1120"
    const result = await workspace.run(["put", "--owner", "o-json", newDraftId(), "--create"], `{"ssn": ${secret}`)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("must be valid JSON text")
    expect(result.stderr).not.toContain(secret)
    expect(result.stdout).not.toContain(secret)

    const array = await workspace.run(["put", "--owner", "o-json", newDraftId(), "--create"], "[1,2]")
    expect(array.code).toBe(2)
    expect(array.stderr).toContain("must be a JSON object")
  })

  it("usage errors exit 2", slow, async () => {
    const noPrecondition = await workspace.run(["put", "--owner", "o-usage", newDraftId()], "{}")
    expect(noPrecondition.code).toBe(2)
    expect(noPrecondition.stderr).toContain("--create")

    const missingOwner = await workspace.run(["get", newDraftId()])
    expect(missingOwner.code).toBe(2)

    const unknownCommand = await workspace.run(["frobnicate"])
    expect(unknownCommand.code).toBe(2)

    const badEtag = await workspace.run(["patch", "--owner", "o-usage", newDraftId(), "--if-match", 'W/"1-abc"'], "{}")
    expect(badEtag.code).toBe(2)

    const missingFile = await workspace.run(["put", "--owner", "o-usage", newDraftId(), "--create", "--file", join(workspace.root, "absent.json")])
    expect(missingFile.code).toBe(2)
    expect(missingFile.stderr).toContain("ENOENT")
  })

  it("a lock held by a server exits 5 with its pid", slow, async () => {
    const child = spawn(
      resolve(import.meta.dirname, "../../node_modules/.bin/node"),
      [join(import.meta.dirname, "lockHolderChild.ts"), workspace.dataDirectory],
      { stdio: ["ignore", "pipe", "inherit"] }
    )
    try {
      await new Promise<void>((resolveLocked, reject) => {
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          if (chunk.includes("locked")) resolveLocked()
        })
        child.on("exit", (code) => reject(new Error(`lock holder exited early with code ${code}`)))
      })

      const result = await workspace.run(["list", "--owner", "o-lock"])
      expect(result.code).toBe(5)
      expect(result.stderr).toContain(
        `The data directory ${workspace.dataDirectory} is locked by a running claim-drafts server (pid ${child.pid}); stop it or use the HTTP API.`
      )
    } finally {
      child.kill("SIGKILL")
      await new Promise((resolveExit) => child.once("close", resolveExit))
    }

    // The killed holder left a stale lock behind, which the next command takes over.
    const after = await workspace.run(["list", "--owner", "o-lock", "--json"])
    expect(after.code).toBe(0)
    expect(JSON.parse(after.stdout)).toEqual([])
  })
})

describe("claim-drafts durability", () => {
  let workspace: CliWorkspace
  beforeAll(async () => {
    workspace = await makeWorkspace()
  })
  afterAll(() => workspace.dispose())

  it("failed persist exits 6 and keeps nothing", slow, async () => {
    const owner = "o-unwritable" as OwnerId
    const secrets = Layer.succeed(Secrets, {
      storageKeySecret: Redacted.make(workspace.storageSecret),
      tokenSigningSecret: Option.none()
    })
    const storageKeys = await Effect.runPromise(Effect.provide(StorageKeys, StorageKeys.Default.pipe(Layer.provide(secrets))))

    // A regular file where the owner's directory belongs makes every write of this owner fail.
    await mkdir(workspace.dataDirectory, { recursive: true })
    await writeFile(join(workspace.dataDirectory, storageKeys.ownerDigest(owner)), "not a directory")

    const draftId = newDraftId()
    const result = await workspace.run(["put", "--owner", owner, draftId, "--create"], '{"a":1}')
    expect(result.code).toBe(6)
    expect(result.stderr).toContain("could not be made durable")
    expect(result.stderr).toContain("the write is lost when this command exits")
    expect(result.stdout).toBe("")

    const loaded = await workspace.run(["get", "--owner", owner, draftId])
    expect(loaded.code).toBe(3)
  })

  it("concurrent commands wait for the lock", slow, async () => {
    const owner = "o-concurrent"
    const ids = [newDraftId(), newDraftId(), newDraftId()]
    const results = await Promise.all(ids.map((id) => workspace.run(["put", "--owner", owner, id, "--create"], '{"n":1}')))
    for (const result of results) expect(result.stderr).not.toContain("claim-drafts:")
    for (const result of results) expect(result.code).toBe(0)

    const listed = await workspace.run(["list", "--owner", owner, "--json"])
    const rows = JSON.parse(listed.stdout) as Array<{ draftId: string }>
    expect(rows.map((row) => row.draftId).sort()).toEqual([...ids].sort())
  })
})
