import { chmod, readFile, rmdir, unlink } from "node:fs/promises"
import { dirname, join, resolve, sep } from "node:path"
import { Config, type ConfigError, Effect, Layer, Option, type Scope } from "effect"
import { StoreUnavailable } from "../../domain/errors.ts"
import { DurableStore, type DurableStoreShape } from "../../programs/ports/DurableStore.ts"
import { directoryMode, ensureDirectory, storeFile, syncDirectory } from "./atomicWrite.ts"
import { createFileExclusively } from "./exclusiveCreate.ts"
import { pathSegments, prefixSegments } from "./objectPaths.ts"
import { listSorted } from "./sortedListing.ts"
import { removeStaleTemporaryFiles } from "./temporaryFiles.ts"

export interface FileDurableStoreOptions {
  /** Directory that contains the objects; created with mode 0700 when missing. */
  readonly directory: string
  /** Temporary files older than this, in milliseconds, are removed at startup (default 1 hour). */
  readonly staleTemporaryMillis?: number
}

export const defaultDirectory = "./.claim-drafts"

const defaultStaleTemporaryMillis = 60 * 60 * 1000

/** A local disk error is rarely fixed by retrying at once; ask clients to wait a little. */
const retryAfterSeconds = 1

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException | undefined)?.code ?? ""

const notAnObjectCodes = new Set(["ENOENT", "ENOTDIR", "EISDIR"])

const unavailable = (method: string) => (cause: unknown) =>
  new StoreUnavailable({ tier: "durable", method, retryAfterSeconds, cause })

/** Invalid paths are programming errors: programs/durablePaths.ts never builds one. */
const invalidPath = (rule: string) => Effect.dieMessage(`Durable path is invalid: ${rule}.`)

/**
 * Removes the now empty directories between `directory` and the root, so deleted drafts
 * leave no trace of their digests. A directory that still contains anything stops the climb.
 */
const removeEmptyParents = async (root: string, directory: string): Promise<void> => {
  let current = directory
  while (current.startsWith(root + sep)) {
    try {
      await rmdir(current)
    } catch {
      return
    }
    current = dirname(current)
  }
}

/**
 * Builds a durable store under one directory: each path is a file, written atomically with
 * mode 0600 in directories with mode 0700. Stale temporary files are swept once in a
 * background fiber of the scope, so a large directory never delays startup.
 */
export const make = (
  options: FileDurableStoreOptions
): Effect.Effect<DurableStoreShape, StoreUnavailable, Scope.Scope> =>
  Effect.gen(function* () {
    const root = resolve(options.directory)

    // An existing directory is tightened too, because names and sizes of drafts tell other local users when claimants work.
    yield* Effect.tryPromise({
      try: async () => {
        await ensureDirectory(root)
        await chmod(root, directoryMode)
      },
      catch: unavailable("open")
    })

    yield* Effect.tryPromise(() =>
      removeStaleTemporaryFiles(root, options.staleTemporaryMillis ?? defaultStaleTemporaryMillis)
    ).pipe(
      Effect.tapError((cause) => Effect.logWarning("Sweeping stale temporary files failed", cause)),
      Effect.ignore,
      Effect.forkScoped
    )

    const objectFile = (path: string) => {
      const segments = pathSegments(path)
      return typeof segments === "string" ? invalidPath(segments) : Effect.succeed(join(root, ...segments))
    }

    const store: DurableStoreShape = {
      put: (path, bytes) =>
        Effect.flatMap(objectFile(path), (file) =>
          Effect.tryPromise({ try: () => storeFile(file, bytes), catch: unavailable("put") })
        ),

      putIfAbsent: (path, bytes) =>
        Effect.flatMap(objectFile(path), (file) =>
          Effect.tryPromise({
            try: async () => ((await createFileExclusively(file, bytes)) ? ("created" as const) : ("exists" as const)),
            catch: unavailable("putIfAbsent")
          })
        ),

      get: (path) =>
        Effect.flatMap(objectFile(path), (file) =>
          Effect.tryPromise({
            try: async () => {
              try {
                return Option.some<Uint8Array>(await readFile(file))
              } catch (error) {
                if (notAnObjectCodes.has(errorCode(error))) return Option.none()
                throw error
              }
            },
            catch: unavailable("get")
          })
        ),

      delete: (paths) =>
        Effect.forEach(paths, objectFile).pipe(
          Effect.flatMap((files) =>
            Effect.forEach(
              files,
              (file) =>
                Effect.tryPromise({
                  try: async () => {
                    try {
                      await unlink(file)
                    } catch (error) {
                      if (notAnObjectCodes.has(errorCode(error))) return
                      throw error
                    }
                    await syncDirectory(dirname(file))
                    await removeEmptyParents(root, dirname(file))
                  },
                  catch: unavailable("delete")
                }),
              { concurrency: 8, discard: true }
            )
          )
        ),

      list: (prefix, limit) => {
        const parts = prefixSegments(prefix)
        if (typeof parts === "string") return invalidPath(parts)

        const directoryPrefix = parts.directories.map((segment) => `${segment}/`).join("")
        return Effect.tryPromise({
          try: () =>
            listSorted(
              join(root, ...parts.directories),
              directoryPrefix,
              parts.namePrefix,
              limit ?? Number.POSITIVE_INFINITY
            ),
          catch: unavailable("list")
        })
      }
    }

    return store
  })

export const layer = (options: FileDurableStoreOptions): Layer.Layer<DurableStore, StoreUnavailable> =>
  Layer.scoped(DurableStore, make(options))

/** Reads the directory from `CLAIM_DRAFTS_DATA_DIR` (default `./.claim-drafts`, relative to the working directory). */
export const layerConfig: Layer.Layer<DurableStore, StoreUnavailable | ConfigError.ConfigError> =
  Layer.unwrapEffect(
    Config.string("CLAIM_DRAFTS_DATA_DIR").pipe(
      Config.withDefault(defaultDirectory),
      Effect.map((directory) => layer({ directory }))
    )
  )
