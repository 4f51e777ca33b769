import { randomBytes } from "node:crypto"
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { createDraftStore } from "../adapters/promise/DraftStore.ts"

const base64 = () => randomBytes(32).toString("base64")

const embeddedEnv = (dataDir: string) => ({
  CLAIM_DRAFTS_DATA_DIR: dataDir,
  CLAIM_DRAFTS_LOCAL_KEYS: `facade-key:${base64()}`,
  CLAIM_DRAFTS_STORAGE_SECRET: base64(),
  CLAIM_DRAFTS_TOKEN_SECRET: base64()
})

const listFiles = async (dir: string): Promise<Array<string>> => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name))
}

describe("Promise facade", () => {
  const dirs: Array<string> = []
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
  })

  it("survives close and reopen on the embedded default", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "claim-drafts-facade-"))
    dirs.push(dataDir)
    const env = embeddedEnv(dataDir)
    const owner = "claimant-facade"
    const draftId = "facade-draft-0000001"
    const marker = "Zyxwvut-Facade-Marker"

    const first = await createDraftStore({ env })
    const created = await first.save(owner, draftId, JSON.stringify({ claimant: { lastName: marker } }), { create: true })
    expect(created.durable).toBe(false)
    const patched = await first.patch(owner, draftId, '{"page":2}', { ifMatch: created.etag })
    await first.close()

    const second = await createDraftStore({ env })
    const loaded = await second.load(owner, draftId)
    expect(loaded.etag).toBe(patched.etag)
    expect(loaded.tier).toBe("durable")
    expect(JSON.parse(loaded.document)).toEqual({ claimant: { lastName: marker }, page: 2 })
    await second.close()

    const files = await listFiles(dataDir)
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      expect((await readFile(file)).includes(marker)).toBe(false)
    }
  })

  it("rejects with typed errors that name the field", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "claim-drafts-facade-"))
    dirs.push(dataDir)
    const store = await createDraftStore({ env: embeddedEnv(dataDir) })

    await expect(store.load("claimant-facade", "short")).rejects.toMatchObject({ _tag: "InvalidId", field: "draftId" })
    await expect(store.load("claimant-facade", "missing-draft-000001")).rejects.toMatchObject({ _tag: "DraftNotFound" })
    await expect(
      store.patch("claimant-facade", "missing-draft-000001", "{}", { ifMatch: '"1-AAAAAAAAAAAAAAAA"' })
    ).rejects.toMatchObject({ _tag: "PreconditionFailed", reason: "no-current-version" })
    await expect(store.save("claimant-facade", "facade-draft-0000002", "[1,2]", { create: true })).rejects.toMatchObject({
      _tag: "InvalidDocument"
    })
    await store.close()
  })
})
