import { Effect } from "effect"
import * as DataDirLock from "../../adapters/filesystem/dataDirLock.ts"

/** Holds the data directory lock as a server would, prints "locked", and waits to be killed. */
const directory = process.argv[2]
if (directory === undefined) throw new Error("usage: lockHolderChild.ts DATA_DIR")

Effect.runFork(
  Effect.scoped(
    Effect.gen(function* () {
      yield* DataDirLock.acquire(directory, "server")
      console.log("locked")
      return yield* Effect.never
    })
  )
)
