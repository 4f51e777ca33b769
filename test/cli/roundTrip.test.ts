import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type CliWorkspace, makeWorkspace, newDraftId } from "./cliHarness.ts"

const slow = { timeout: 600_000 }

const versionOf = (stdout: string) =>
  JSON.parse(stdout) as { draftId: string; etag: string; seq: number; state: string; durable: boolean }

describe("claim-drafts data commands", () => {
  let workspace: CliWorkspace
  beforeAll(async () => {
    workspace = await makeWorkspace()
  })
  afterAll(() => workspace.dispose())

  it("round trip put, get, patch, list, flush, submit, delete", slow, async () => {
    const owner = "claimant-1"
    const draftId = newDraftId()
    const document = '{"name":"Ada","weeks":[1,2]}'

    const created = await workspace.run(["put", "--owner", owner, draftId, "--create"], document)
    expect(created.stderr).not.toContain("claim-drafts:")
    expect(created.code).toBe(0)
    const first = versionOf(created.stdout)
    expect(first.seq).toBeGreaterThan(0)
    expect(first.durable).toBe(true)

    const loaded = await workspace.run(["get", "--owner", owner, draftId])
    expect(loaded.code).toBe(0)
    expect(loaded.stdout).toBe(document)
    expect(loaded.stderr).toContain(`etag: ${first.etag}`)

    const patched = await workspace.run(["patch", "--owner", owner, draftId, "--if-match", first.etag], '{"weeks":null,"zip":"02139"}')
    expect(patched.code).toBe(0)
    const second = versionOf(patched.stdout)
    expect(second.seq).toBeGreaterThan(first.seq)

    const merged = await workspace.run(["get", "--owner", owner, draftId])
    expect(JSON.parse(merged.stdout)).toEqual({ name: "Ada", zip: "02139" })

    const meta = await workspace.run(["get", "--owner", owner, draftId, "--meta"])
    expect(meta.code).toBe(0)
    expect(JSON.parse(meta.stdout)).toMatchObject({ draftId, etag: second.etag, seq: second.seq, state: "draft", durable: true })

    // An ETag without its quotes, as a shell leaves it when they are not escaped.
    const unquoted = second.etag.slice(1, -1)
    const replaced = await workspace.run(["put", "--owner", owner, draftId, "--if-match", unquoted], '{"name":"Ada L."}')
    expect(replaced.code).toBe(0)
    const third = versionOf(replaced.stdout)
    expect(third.seq).toBeGreaterThan(second.seq)

    const listed = await workspace.run(["list", "--owner", owner, "--json"])
    expect(listed.code).toBe(0)
    const rows = JSON.parse(listed.stdout) as Array<{ draftId: string; etag: string }>
    expect(rows.map((row) => row.draftId)).toEqual([draftId])
    expect(rows[0]?.etag).toBe(third.etag)

    const table = await workspace.run(["list", "--owner", owner])
    expect(table.stdout).toContain(draftId)
    expect(table.stdout).toContain("DRAFT ID")

    const flushed = await workspace.run(["flush", "--owner", owner, draftId])
    expect(flushed.code).toBe(0)
    expect(versionOf(flushed.stdout)).toMatchObject({ etag: third.etag, durable: true })

    const submitted = await workspace.run(["submit", "--owner", owner, draftId, "--if-match", third.etag])
    expect(submitted.code).toBe(0)
    expect(submitted.stdout).toBe('{"name":"Ada L."}')
    expect(submitted.stderr).toContain("state: submitted")

    const afterSubmit = await workspace.run(["put", "--owner", owner, draftId, "--if-match", third.etag], "{}")
    expect(afterSubmit.code).toBe(4)

    const deleted = await workspace.run(["delete", "--owner", owner, draftId])
    expect(deleted.code).toBe(0)

    const gone = await workspace.run(["get", "--owner", owner, draftId])
    expect(gone.code).toBe(3)
  })

  it("delete --all erases every draft of the owner only", slow, async () => {
    const owner = "claimant-2"
    const other = "claimant-3"
    const ids = [newDraftId(), newDraftId()]

    for (const id of ids) {
      expect((await workspace.run(["put", "--owner", owner, id, "--create"], '{"n":1}')).code).toBe(0)
    }
    const kept = newDraftId()
    expect((await workspace.run(["put", "--owner", other, kept, "--create"], '{"n":2}')).code).toBe(0)

    const erased = await workspace.run(["delete", "--owner", owner, "--all"])
    expect(erased.code).toBe(0)
    expect(erased.stdout).toContain("Deleted 2 drafts.")

    const listed = await workspace.run(["list", "--owner", owner, "--json"])
    expect(JSON.parse(listed.stdout)).toEqual([])

    const survivor = await workspace.run(["get", "--owner", other, kept])
    expect(survivor.code).toBe(0)
    expect(survivor.stdout).toBe('{"n":2}')
  })

  it("put reads the document from --file", slow, async () => {
    const { writeFile } = await import("node:fs/promises")
    const { join } = await import("node:path")
    const file = join(workspace.root, "draft.json")
    await writeFile(file, '{"from":"file"}')
    const draftId = newDraftId()

    const created = await workspace.run(["put", "--owner", "claimant-4", draftId, "--create", "--file", file])
    expect(created.code).toBe(0)

    const loaded = await workspace.run(["get", "--owner", "claimant-4", draftId])
    expect(loaded.stdout).toBe('{"from":"file"}')
  })
})
