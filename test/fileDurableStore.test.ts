import { spawn } from "node:child_process"
import { chmod, mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { Cause, ConfigProvider, Effect, Exit, Layer, Option } from "effect"
import * as FileDurableStore from "../adapters/filesystem/FileDurableStore.ts"
import { removeStaleTemporaryFiles } from "../adapters/filesystem/temporaryFiles.ts"
import { draftPrefix, versionPath } from "../programs/durablePaths.ts"
import { DurableStore } from "../programs/ports/DurableStore.ts"
import { durableStoreContract } from "./contracts/durableStoreContract.ts"

const temporaryDirectory = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "claim-drafts-files-"))),
  (directory) => Effect.promise(() => rm(directory, { recursive: true, force: true }))
)

/** Lists every file and directory under `root`, relative to it, with its permission bits. */
const walk = async (root: string): Promise<Array<{ path: string; directory: boolean; mode: number }>> => {
  const found: Array<{ path: string; directory: boolean; mode: number }> = []
  const visit = async (current: string) => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = join(current, entry.name)
      const mode = (await stat(full)).mode & 0o777
      found.push({ path: relative(root, full), directory: entry.isDirectory(), mode })
      if (entry.isDirectory()) await visit(full)
    }
  }
  await visit(root)
  return found
}

const digest = (seed: string) => Buffer.from(seed.padEnd(32, "x")).toString("base64url")

const key = { owner: digest("owner"), draft: digest("draft") }

describe("FileDurableStore", () => {
  it.scoped("files are 0600 and directories 0700", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      yield* Effect.promise(() => chmod(directory, 0o755))
      const store = yield* FileDurableStore.make({ directory })

      yield* store.put(versionPath(key, 1, "draft"), Uint8Array.of(1))
      yield* store.put(versionPath(key, 2, "tombstone"), Uint8Array.of(2))
      const entries = yield* Effect.promise(() => walk(directory))

      expect((yield* Effect.promise(() => stat(directory))).mode & 0o777).toBe(0o700)
      expect(entries.filter((entry) => entry.directory).map((entry) => entry.mode)).toEqual([0o700, 0o700])
      expect(entries.filter((entry) => !entry.directory).map((entry) => entry.mode)).toEqual([0o600, 0o600])
    }))

  it.scoped("file names are only the given paths", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const store = yield* FileDurableStore.make({ directory })
      const paths = [versionPath(key, 1, "draft"), versionPath(key, 2, "draft"), versionPath(key, 3, "tombstone")]

      yield* Effect.forEach(paths, (path) => store.put(path, Uint8Array.of(1)), { concurrency: 3 })
      const files = (yield* Effect.promise(() => walk(directory))).filter((entry) => !entry.directory)

      expect(files.map((entry) => entry.path).sort()).toEqual([...paths].sort())
    }))

  it.scoped("leftover temporary file is ignored", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const store = yield* FileDurableStore.make({ directory })
      const path = versionPath(key, 1, "draft")
      yield* store.put(path, Uint8Array.of(1, 2, 3))

      // What a crash between open and rename leaves behind: a partial temporary file beside the object.
      const draftDirectory = join(directory, key.owner, key.draft)
      yield* Effect.promise(() => writeFile(join(draftDirectory, ".tmp-0123456789abcdef01234567"), Uint8Array.of(9)))

      expect(yield* store.list(draftPrefix(key))).toEqual([path])
      expect(yield* store.list(draftPrefix(key), 1)).toEqual([path])
      expect(Option.map(yield* store.get(path), Array.from)).toEqual(Option.some([1, 2, 3]))
    }))

  it.scoped("stale temporary files are swept", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const nested = join(directory, "owner", "draft")
      const stale = join(nested, ".tmp-stale")
      const fresh = join(nested, ".tmp-fresh")
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
      yield* Effect.promise(async () => {
        await mkdir(nested, { recursive: true })
        await writeFile(stale, "partial")
        await writeFile(fresh, "in progress")
        await utimes(stale, twoHoursAgo, twoHoursAgo)
      })

      const removed = yield* Effect.promise(() => removeStaleTemporaryFiles(directory, 60 * 60 * 1000))
      const left = (yield* Effect.promise(() => walk(directory))).map((entry) => entry.path)

      expect(removed).toBe(1)
      expect(left).toContain(join("owner", "draft", ".tmp-fresh"))
      expect(left).not.toContain(join("owner", "draft", ".tmp-stale"))
    }))

  it.scoped("concurrent puts to one path keep one whole version", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const store = yield* FileDurableStore.make({ directory })
      const path = versionPath(key, 1, "draft")
      const size = 64 * 1024

      yield* Effect.forEach(
        Array.from({ length: 40 }, (_, i) => i + 1),
        (fill) => store.put(path, Buffer.alloc(size, fill)),
        { concurrency: "unbounded" }
      )
      const stored = Option.getOrThrow(yield* store.get(path))
      const files = (yield* Effect.promise(() => walk(directory))).filter((entry) => !entry.directory)

      expect(stored.length).toBe(size)
      expect(new Set(stored).size).toBe(1)
      expect(files.map((entry) => entry.path)).toEqual([path])
    }))

  it.scoped("crashed writer leaves old or new version", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const path = versionPath(key, 1, "draft")
      const size = 2 * 1024 * 1024
      const child = fileURLToPath(new URL("./support/fileWriterChild.ts", import.meta.url))

      for (let round = 0; round < 3; round++) {
        yield* Effect.promise(
          () =>
            new Promise<void>((resolve, reject) => {
              const writer = spawn(process.execPath, [child, join(directory, path), String(size)], {
                stdio: ["ignore", "pipe", "inherit"]
              })
              writer.on("error", reject)
              writer.on("exit", () => resolve())
              writer.stdout.once("data", () => setTimeout(() => writer.kill("SIGKILL"), 5 + round * 20))
            })
        )

        const store = yield* FileDurableStore.make({ directory })
        const stored = Option.getOrThrow(yield* store.get(path))
        expect(stored.length).toBe(size)
        expect(new Set(stored).size).toBe(1)
        expect(yield* store.list("")).toEqual([path])
      }
    }))

  it.scoped("delete removes emptied directories", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const store = yield* FileDurableStore.make({ directory })
      const other = { owner: key.owner, draft: digest("other draft") }
      yield* store.put(versionPath(key, 1, "draft"), Uint8Array.of(1))
      yield* store.put(versionPath(other, 1, "draft"), Uint8Array.of(1))

      yield* store.delete([versionPath(key, 1, "draft")])
      const afterFirst = (yield* Effect.promise(() => walk(directory))).map((entry) => entry.path)
      yield* store.delete([versionPath(other, 1, "draft")])
      const afterSecond = yield* Effect.promise(() => readdir(directory))

      expect(afterFirst).not.toContain(join(key.owner, key.draft))
      expect(afterFirst).toContain(join(other.owner, other.draft))
      expect(afterSecond).toEqual([])
    }))

  it.scoped("invalid paths are defects", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const store = yield* FileDurableStore.make({ directory })

      const outcomes = yield* Effect.all([
        Effect.exit(store.put("../escape", Uint8Array.of(1))),
        Effect.exit(store.put("owner//draft", Uint8Array.of(1))),
        Effect.exit(store.get("owner/.tmp-0123")),
        Effect.exit(store.get("/etc/passwd")),
        Effect.exit(store.delete(["owner/../../x"])),
        Effect.exit(store.list("../"))
      ])

      const died = (outcome: Exit.Exit<unknown, unknown>) =>
        Exit.isFailure(outcome) && Cause.isDie(outcome.cause) && !Cause.isFailType(outcome.cause)
      expect(outcomes.map(died)).toEqual(outcomes.map(() => true))
      expect(yield* Effect.promise(() => readdir(directory))).toEqual([])
    }))

  it.scoped("layerConfig reads CLAIM_DRAFTS_DATA_DIR", () =>
    Effect.gen(function* () {
      const directory = yield* temporaryDirectory
      const path = versionPath(key, 4, "draft")

      yield* Effect.flatMap(DurableStore, (store) => store.put(path, Uint8Array.of(4))).pipe(
        Effect.provide(FileDurableStore.layerConfig),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["CLAIM_DRAFTS_DATA_DIR", directory]])))
      )
      const files = (yield* Effect.promise(() => walk(directory))).filter((entry) => !entry.directory)

      expect(files.map((entry) => entry.path)).toEqual([path])
    }))
})

durableStoreContract(
  "FileDurableStore",
  Layer.unwrapScoped(Effect.map(temporaryDirectory, (directory) => FileDurableStore.layer({ directory })))
)
