import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type CliWorkspace, makeWorkspace, newDraftId } from "./cliHarness.ts"

const slow = { timeout: 600_000 }

const filesUnder = async (directory: string): Promise<Array<string>> => {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name))
}

describe("claim-drafts inspect", () => {
  let workspace: CliWorkspace
  beforeAll(async () => {
    workspace = await makeWorkspace()
  })
  afterAll(() => workspace.dispose())

  it("shows record metadata and no plaintext", slow, async () => {
    const marker = "MARKER-9f3c-078-05-1120"
    const owner = "owner-inspect"
    const draftId = newDraftId()

    const created = await workspace.run(["put", "--owner", owner, draftId, "--create"], JSON.stringify({ ssn: marker }))
    expect(created.code).toBe(0)
    const { etag } = JSON.parse(created.stdout) as { etag: string }
    const patched = await workspace.run(["patch", "--owner", owner, draftId, "--if-match", etag], JSON.stringify({ note: marker }))
    expect(patched.code).toBe(0)
    const { seq } = JSON.parse(patched.stdout) as { seq: number }

    const table = await workspace.run(["inspect"])
    expect(table.code).toBe(0)
    expect(table.stdout).toContain("test-kek-1")
    expect(table.stdout).toContain("live")
    expect(table.stderr).toContain("Durable tier: 1 draft")
    for (const output of [table.stdout, table.stderr]) {
      expect(output).not.toContain(marker)
      expect(output).not.toContain(owner)
      expect(output).not.toContain(draftId)
    }

    const json = await workspace.run(["inspect", "--json"])
    expect(json.code).toBe(0)
    expect(json.stdout).not.toContain(marker)
    const inventory = JSON.parse(json.stdout) as {
      records: Array<{ seq: number; kind: string; status: string; keyId: string; sizeBytes: number }>
    }
    expect(inventory.records).toHaveLength(1)
    expect(inventory.records[0]).toMatchObject({ seq, kind: "draft", status: "live", keyId: "test-kek-1" })
    expect(inventory.records[0]?.sizeBytes).toBeGreaterThan(0)

    for (const file of await filesUnder(workspace.dataDirectory)) {
      const bytes = await readFile(file)
      expect(bytes.includes(Buffer.from(marker)), file).toBe(false)
      expect(bytes.includes(Buffer.from(owner)), file).toBe(false)
      expect(bytes.includes(Buffer.from(draftId)), file).toBe(false)
    }
  })

  it("sweep reports what it scanned", slow, async () => {
    const result = await workspace.run(["sweep"])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Scanned \d+ drafts? in the durable tier; deleted 0 expired\.$/m)
  })
})
