import { readdir, stat, unlink } from "node:fs/promises"
import { join } from "node:path"
import { temporaryPrefix } from "./objectPaths.ts"

/**
 * Removes temporary files older than `olderThanMillis` anywhere under `directory` and returns
 * how many it removed. A younger temporary file may belong to a write still in progress in
 * another process that shares the directory, so it is left alone.
 */
export const removeStaleTemporaryFiles = async (directory: string, olderThanMillis: number): Promise<number> => {
  const cutoff = Date.now() - olderThanMillis
  let removed = 0

  const visit = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true }).catch(() => [])
    for (const entry of entries) {
      const path = join(current, entry.name)
      if (entry.isDirectory()) {
        await visit(path)
        continue
      }
      if (!entry.isFile() || !entry.name.startsWith(temporaryPrefix)) continue

      const modified = await stat(path).then((stats) => stats.mtimeMs, () => undefined)
      if (modified === undefined || modified > cutoff) continue

      // A concurrent sweep may have removed it first; either way it is gone.
      await unlink(path).then(() => removed++, () => undefined)
    }
  }

  await visit(directory)
  return removed
}
