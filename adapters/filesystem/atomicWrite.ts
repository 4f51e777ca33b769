import { mkdir, open, rename, unlink } from "node:fs/promises"
import { dirname, join, relative, sep } from "node:path"
import { temporaryName } from "./objectPaths.ts"

/** Owner-only modes: stored drafts are ciphertext, but their names and sizes still tell other local users when claimants work. */
export const fileMode = 0o600
export const directoryMode = 0o700

/**
 * Flushes a directory's entries to disk, so a rename or unlink inside it survives a crash.
 * Windows cannot open a directory for fsync; there the rename is as durable as NTFS makes it.
 */
export const syncDirectory = async (directory: string): Promise<void> => {
  if (process.platform === "win32") return

  const handle = await open(directory, "r")
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Creates `directory` and any missing parents with mode 0700, then syncs the parent of
 * each directory it created so that the new entries survive a crash.
 */
export const ensureDirectory = async (directory: string): Promise<void> => {
  const firstCreated = await mkdir(directory, { recursive: true, mode: directoryMode })
  if (firstCreated === undefined) return

  const created = relative(dirname(firstCreated), directory).split(sep)
  let parent = dirname(firstCreated)
  for (const name of created) {
    await syncDirectory(parent)
    parent = join(parent, name)
  }
}

/**
 * Replaces `target` with `bytes` so that a reader sees either the old file or the complete
 * new one: the bytes go to a temporary file in the same directory, which is fsynced, renamed
 * over the target, and the directory fsynced. A crash leaves at most a temporary file, which
 * listings ignore and the stale-file sweep removes.
 */
export const writeFileAtomically = async (target: string, bytes: Uint8Array): Promise<void> => {
  const directory = dirname(target)
  const temporary = await writeTemporaryFile(directory, bytes)

  try {
    await rename(temporary, target)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }

  await syncDirectory(directory)
}

/**
 * Writes `bytes` to a new temporary file in `directory` with mode 0600 and fsyncs it;
 * returns its path. A failed write removes the file.
 */
export const writeTemporaryFile = async (directory: string, bytes: Uint8Array): Promise<string> => {
  const temporary = join(directory, temporaryName())

  const handle = await open(temporary, "wx", fileMode)
  try {
    await handle.writeFile(bytes)
    await handle.sync()
  } catch (error) {
    await handle.close().catch(() => undefined)
    await unlink(temporary).catch(() => undefined)
    throw error
  }
  await handle.close()
  return temporary
}

/** Stores retry this often when a concurrent delete removes the directory between mkdir and open. */
const maxStoreAttempts = 3

/** Creates the file's directory when missing and replaces the file atomically. */
export const storeFile = async (target: string, bytes: Uint8Array): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureDirectory(dirname(target))
      await writeFileAtomically(target, bytes)
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= maxStoreAttempts) throw error
    }
  }
}
