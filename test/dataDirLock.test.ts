import { spawn } from "node:child_process"
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Effect, Exit, Scope } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import * as DataDirLock from "../adapters/filesystem/dataDirLock.ts"

const node = resolve(import.meta.dirname, "../node_modules/.bin/node")

/** The pid of a process that has exited, so a lock naming it is stale. */
const deadPid = (): Promise<number> =>
  new Promise((resolvePid, reject) => {
    const child = spawn(node, ["-e", ""], { stdio: "ignore" })
    child.on("error", reject)
    child.on("close", () => resolvePid(child.pid!))
  })

const lockContent = (pid: number, holder: DataDirLock.LockHolder) =>
  `${JSON.stringify({ pid, holder, token: "earlier", acquiredAt: new Date(0).toISOString() })}\n`

describe("dataDirLock", () => {
  let directory: string
  beforeEach(async () => {
    directory = join(await mkdtemp(join(tmpdir(), "claim-drafts-lock-")), "data")
  })
  afterEach(() => rm(resolve(directory, ".."), { recursive: true, force: true }))

  const lockFile = () => join(directory, DataDirLock.lockFileName)

  it("acquire writes the pid and release removes the file", async () => {
    const scope = Effect.runSync(Scope.make())
    await Effect.runPromise(Scope.extend(DataDirLock.acquire(directory, "cli"), scope))

    const content = JSON.parse(await readFile(lockFile(), "utf8")) as { pid: number; holder: string }
    expect(content.pid).toBe(process.pid)
    expect(content.holder).toBe("cli")
    expect((await stat(lockFile())).mode & 0o777).toBe(0o600)

    await Effect.runPromise(Scope.close(scope, Exit.void))
    await expect(stat(lockFile())).rejects.toMatchObject({ code: "ENOENT" })
  })

  it("second acquire in one process is locked", async () => {
    const scope = Effect.runSync(Scope.make())
    await Effect.runPromise(Scope.extend(DataDirLock.acquire(directory, "server"), scope))

    const second = await Effect.runPromise(Effect.flip(Effect.scoped(DataDirLock.acquire(directory, "cli"))))
    expect(second._tag).toBe("DataDirLocked")
    expect(second.message).toContain(`locked by a running claim-drafts server (pid ${process.pid})`)

    await Effect.runPromise(Scope.close(scope, Exit.void))
  })

  it("live holder of another process is reported", async () => {
    const holder = spawn(node, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" })
    try {
      await Effect.runPromise(Effect.scoped(DataDirLock.acquire(directory, "cli")))
      await writeFile(lockFile(), lockContent(holder.pid!, "cli"))

      const started = Date.now()
      const error = await Effect.runPromise(
        Effect.flip(Effect.scoped(DataDirLock.acquire(directory, "cli", { waitMillis: 300 })))
      )
      expect(error._tag).toBe("DataDirLocked")
      expect(error.message).toContain(`locked by another claim-drafts command (pid ${holder.pid})`)
      expect(Date.now() - started).toBeGreaterThanOrEqual(300)
      expect(await readFile(lockFile(), "utf8")).toBe(lockContent(holder.pid!, "cli"))
    } finally {
      holder.kill("SIGKILL")
    }
  })

  it("stale lock of a dead pid is taken over", async () => {
    await Effect.runPromise(Effect.scoped(DataDirLock.acquire(directory, "cli")))
    await writeFile(lockFile(), lockContent(await deadPid(), "server"))

    const scope = Effect.runSync(Scope.make())
    await Effect.runPromise(Scope.extend(DataDirLock.acquire(directory, "server"), scope))
    const content = JSON.parse(await readFile(lockFile(), "utf8")) as { pid: number }
    expect(content.pid).toBe(process.pid)
    await Effect.runPromise(Scope.close(scope, Exit.void))
  })

  it("lock with own pid but unknown token is stale", async () => {
    await Effect.runPromise(Effect.scoped(DataDirLock.acquire(directory, "cli")))
    await writeFile(lockFile(), lockContent(process.pid, "server"))

    await Effect.runPromise(Effect.scoped(DataDirLock.acquire(directory, "cli")))
    await expect(stat(lockFile())).rejects.toMatchObject({ code: "ENOENT" })
  })

  it("unparseable lock file is replaced", async () => {
    await Effect.runPromise(Effect.scoped(DataDirLock.acquire(directory, "cli")))
    await writeFile(lockFile(), "not json")

    const scope = Effect.runSync(Scope.make())
    await Effect.runPromise(Scope.extend(DataDirLock.acquire(directory, "cli"), scope))
    expect(JSON.parse(await readFile(lockFile(), "utf8"))).toMatchObject({ pid: process.pid })
    await Effect.runPromise(Scope.close(scope, Exit.void))
  })

  it("release leaves a lock taken over meanwhile", async () => {
    const scope = Effect.runSync(Scope.make())
    await Effect.runPromise(Scope.extend(DataDirLock.acquire(directory, "cli"), scope))
    const other = lockContent(process.pid + 1, "server")
    await writeFile(lockFile(), other)

    await Effect.runPromise(Scope.close(scope, Exit.void))
    expect(await readFile(lockFile(), "utf8")).toBe(other)
  })
})
