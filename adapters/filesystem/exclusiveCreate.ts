import { link, unlink } from "node:fs/promises"
import { dirname } from "node:path"
import { ensureDirectory, syncDirectory, writeTemporaryFile } from "./atomicWrite.ts"

/** Creates retry this often when a concurrent delete removes the directory between mkdir and link. */
const maxCreateAttempts = 3

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException | undefined)?.code ?? ""

/**
 * Publishes the complete temporary file under `target` unless a file is there. link(2) fails
 * with EEXIST when the name exists, so of two processes racing for one name exactly one wins,
 * and no reader ever sees a partly written file.
 */
const linkIntoPlace = async (target: string, bytes: Uint8Array): Promise<boolean> => {
  const directory = dirname(target)
  const temporary = await writeTemporaryFile(directory, bytes)

  try {
    const linked = await link(temporary, target).then(
      () => true,
      (error: unknown) => {
        if (errorCode(error) === "EEXIST") return false
        throw error
      }
    )
    if (!linked) return false
  } finally {
    await unlink(temporary).catch(() => undefined)
  }

  await syncDirectory(directory)
  return true
}

/**
 * Stores `bytes` at `target` only if no file exists there; returns whether it did.
 * NOTE: link(2) fails on file systems without hard links (some network and FUSE mounts);
 * keep the data directory on a local file system.
 */
export const createFileExclusively = async (target: string, bytes: Uint8Array): Promise<boolean> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureDirectory(dirname(target))
      return await linkIntoPlace(target, bytes)
    } catch (error) {
      if (errorCode(error) !== "ENOENT" || attempt >= maxCreateAttempts) throw error
    }
  }
}
