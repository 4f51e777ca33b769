import { randomBytes } from "node:crypto"
import { link, open, readFile, rename, unlink } from "node:fs/promises"
import { join, resolve } from "node:path"
import { Config, type ConfigError, Effect, Layer, Schema, type Scope } from "effect"
import { StoreUnavailable } from "../../domain/errors.ts"
import { ensureDirectory, fileMode } from "./atomicWrite.ts"
import { defaultDirectory } from "./FileDurableStore.ts"

/**
 * An exclusive lock on a data directory used with the in-memory hot tier. That tier lives in
 * one process, so a second process writing the same directory would read versions the first
 * one has already replaced in memory and overwrite drafts it has not persisted yet. The HTTP
 * server and each CLI data command hold the lock while they run.
 *
 * The lock is the file `<directory>/.lock`, holding JSON with the holder's pid. It is
 * published with link(2), which fails when the file exists, so exactly one process wins and
 * no reader sees a partly written file. A lock whose process no longer runs is stale and is
 * taken over.
 */

export const lockFileName = ".lock"

/** Kind of process holding the lock, named in the message another process prints. */
export type LockHolder = "server" | "cli"

interface LockContent {
  readonly pid: number
  readonly holder: LockHolder
  /** Random per acquisition, so a lock left by an earlier process with a reused pid is recognised as stale. */
  readonly token: string
  readonly acquiredAt: string
}

const LockContentSchema = Schema.Struct({
  pid: Schema.Int.pipe(Schema.positive()),
  holder: Schema.Literal("server", "cli"),
  token: Schema.String,
  acquiredAt: Schema.String
})

const decodeContent = Schema.decodeUnknownOption(Schema.parseJson(LockContentSchema))

/** Another live process holds the data directory. */
export class DataDirLocked extends Schema.TaggedError<DataDirLocked>()("DataDirLocked", {
  directory: Schema.String,
  pid: Schema.Number,
  holder: Schema.Literal("server", "cli")
}) {
  override get message() {
    const lockFile = join(this.directory, lockFileName)
    return this.holder === "server"
      ? `The data directory ${this.directory} is locked by a running claim-drafts server (pid ${this.pid}); stop it or use the HTTP API. If no such process runs, delete ${lockFile}.`
      : `The data directory ${this.directory} is locked by another claim-drafts command (pid ${this.pid}); wait for it to finish and retry. If no such process runs, delete ${lockFile}.`
  }
}

/** Tokens of the locks this process holds, by lock file path. */
const heldTokens = new Map<string, string>()

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException | undefined)?.code ?? ""

/** Returns whether a process with this pid runs; EPERM means it runs under another user. */
const processRuns = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return errorCode(error) === "EPERM"
  }
}

/**
 * Whether the lock belongs to a live process. A lock carrying this process's own pid but a
 * token it does not hold was left by an earlier process that had the same pid, which happens
 * when containers restart with pid 1.
 */
const isLive = (path: string, content: LockContent): boolean =>
  content.pid === process.pid ? heldTokens.get(path) === content.token : processRuns(content.pid)

/** Publishes the content at `path` unless a file is there; returns whether it was published. */
const tryPublish = async (path: string, text: string): Promise<boolean> => {
  const temporary = `${path}.${randomBytes(8).toString("hex")}.tmp`
  const handle = await open(temporary, "wx", fileMode)
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }

  // NOTE: link(2) fails on file systems without hard links (some network and FUSE mounts);
  // keep the data directory on a local file system.
  try {
    await link(temporary, path)
    return true
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false
    throw error
  } finally {
    await unlink(temporary).catch(() => undefined)
  }
}

/** Reads the raw lock text; returns undefined when there is no lock file. */
const readLockText = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, "utf8")
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined
    throw error
  }
}

/**
 * Removes a stale lock whose text was `seen`. The file is first renamed aside, which only one
 * process can do. If the renamed file is not the stale lock, another process replaced the
 * stale lock in the meantime, so its lock is linked back before the aside copy is removed.
 */
const removeStale = async (path: string, seen: string): Promise<void> => {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString("hex")}`
  try {
    await rename(path, aside)
  } catch (error) {
    if (errorCode(error) === "ENOENT") return
    throw error
  }

  try {
    // NOTE: while a fresh lock sits aside, a third process may publish its own; the fresh
    // lock is then lost. That takes three processes starting within milliseconds of a crash.
    if ((await readFile(aside, "utf8")) !== seen) await link(aside, path).catch(() => undefined)
  } finally {
    await unlink(aside).catch(() => undefined)
  }
}

type Attempt =
  | { readonly _tag: "Acquired" }
  | { readonly _tag: "Held"; readonly content: LockContent }
  | { readonly _tag: "Retry" }

const attemptOnce = async (path: string, text: string): Promise<Attempt> => {
  if (await tryPublish(path, text)) return { _tag: "Acquired" }

  const seen = await readLockText(path)
  if (seen === undefined) return { _tag: "Retry" }

  const content = decodeContent(seen)
  if (content._tag === "Some" && isLive(path, content.value)) return { _tag: "Held", content: content.value }

  // A lock of a process that no longer runs, or a file that is not a lock this module wrote.
  await removeStale(path, seen)
  return { _tag: "Retry" }
}

export interface AcquireOptions {
  /** How long to wait, in milliseconds, while another CLI command holds the lock (default 0). A server is never waited for. */
  readonly waitMillis?: number
}

/** Pause between attempts while waiting for a lock, in milliseconds. */
const retryDelayMillis = 100

/** Attempts that find no holder in a row before giving up; each one removed a stale or vanished lock. */
const maxRetries = 20

const acquireLock = (directory: string, holder: LockHolder, options: AcquireOptions) =>
  Effect.gen(function* () {
    const root = resolve(directory)
    const path = join(root, lockFileName)
    const token = randomBytes(16).toString("hex")
    const content: LockContent = { pid: process.pid, holder, token, acquiredAt: new Date().toISOString() }
    const text = `${JSON.stringify(content)}\n`
    const unavailable = (cause: unknown) =>
      new StoreUnavailable({ tier: "durable", method: "lock", retryAfterSeconds: 1, cause })

    yield* Effect.tryPromise({ try: () => ensureDirectory(root), catch: unavailable })

    const deadline = Date.now() + (options.waitMillis ?? 0)
    let retries = 0
    for (;;) {
      const attempt = yield* Effect.tryPromise({ try: () => attemptOnce(path, text), catch: unavailable })

      if (attempt._tag === "Acquired") {
        heldTokens.set(path, token)
        return { path, text }
      }

      if (attempt._tag === "Held") {
        const held = attempt.content
        if (held.holder === "server" || Date.now() >= deadline) {
          return yield* new DataDirLocked({ directory: root, pid: held.pid, holder: held.holder })
        }
        retries = 0
        yield* Effect.sleep(retryDelayMillis)
        continue
      }

      retries += 1
      if (retries >= maxRetries) {
        return yield* unavailable(new Error(`the lock file ${path} kept changing; another process is starting and stopping`))
      }
    }
  })

/** Deletes the lock if it is still this acquisition's; a lock taken over meanwhile is left alone. */
const releaseLock = ({ path, text }: { readonly path: string; readonly text: string }) =>
  Effect.promise(async () => {
    heldTokens.delete(path)
    const current = await readLockText(path).catch(() => undefined)
    if (current === text) await unlink(path).catch(() => undefined)
  })

/**
 * Takes the lock on `directory` (created with mode 0700 when missing) for the scope, and
 * deletes the lock file when the scope closes. Fails with `DataDirLocked` while another live
 * process holds it, and with `StoreUnavailable` when the lock file cannot be written.
 */
export const acquire = (
  directory: string,
  holder: LockHolder,
  options: AcquireOptions = {}
): Effect.Effect<void, DataDirLocked | StoreUnavailable, Scope.Scope> =>
  Effect.asVoid(Effect.acquireRelease(acquireLock(directory, holder, options), releaseLock))

/** The lock as a layer: held from layer construction until its scope closes. */
export const layer = (
  directory: string,
  holder: LockHolder,
  options: AcquireOptions = {}
): Layer.Layer<never, DataDirLocked | StoreUnavailable> => Layer.scopedDiscard(acquire(directory, holder, options))

/** CLAIM_DRAFTS_DATA_DIR as an absolute path (default `./.claim-drafts`), as the filesystem durable store resolves it. */
export const directoryConfig: Config.Config<string> = Config.string("CLAIM_DRAFTS_DATA_DIR").pipe(
  Config.withDefault(defaultDirectory),
  Config.map((path) => resolve(path))
)

/**
 * The lock on the directory of CLAIM_DRAFTS_DATA_DIR. Take it only where the hot tier is
 * in-memory and the durable tier is that directory; with Redis every process shares the hot
 * tier, and the lock would only get in the way.
 */
export const layerConfig = (
  holder: LockHolder,
  options: AcquireOptions = {}
): Layer.Layer<never, DataDirLocked | StoreUnavailable | ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(directoryConfig, (directory) => layer(directory, holder, options)))
