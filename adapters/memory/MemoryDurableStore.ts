import { Context, Effect, Layer, Option } from "effect"
import { DurableStore, type DurableStoreShape } from "../../programs/ports/DurableStore.ts"
import { DurableStoreLoss, type DurableStoreLossShape } from "./DurableStoreLoss.ts"

/** Byte order, as S3 sorts keys; differs from `<` only outside the ASCII paths the programs use. */
const ascending = (left: string, right: string): number => Buffer.compare(Buffer.from(left), Buffer.from(right))

/**
 * Builds a durable store held in one process's memory, with its loss control. Bytes are copied
 * on the way in and out, so a caller that reuses its buffer never changes a stored object.
 */
export const makeWithLoss: Effect.Effect<{ readonly store: DurableStoreShape; readonly loss: DurableStoreLossShape }> =
  Effect.sync(() => {
    const objects = new Map<string, Uint8Array>()

    const store: DurableStoreShape = {
      put: (path, bytes) =>
        Effect.sync(() => {
          objects.set(path, Uint8Array.from(bytes))
        }),

      get: (path) =>
        Effect.sync(() => {
          const bytes = objects.get(path)
          return bytes === undefined ? Option.none() : Option.some(Uint8Array.from(bytes))
        }),

      delete: (paths) =>
        Effect.sync(() => {
          for (const path of paths) objects.delete(path)
        }),

      list: (prefix, limit) =>
        Effect.sync(() => {
          const paths = Array.from(objects.keys())
            .filter((path) => path.startsWith(prefix))
            .sort(ascending)
          return limit === undefined ? paths : paths.slice(0, Math.max(0, limit))
        }),

      // Atomic because each call runs synchronously to its end before another fiber runs.
      putIfAbsent: (path, bytes) =>
        Effect.sync(() => {
          if (objects.has(path)) return "exists" as const
          objects.set(path, Uint8Array.from(bytes))
          return "created" as const
        })
    }

    const loss: DurableStoreLossShape = { loseEverything: Effect.sync(() => objects.clear()) }
    return { store, loss }
  })

export const make: Effect.Effect<DurableStoreShape> = Effect.map(makeWithLoss, ({ store }) => store)

/** The store and its loss control, sharing one map. */
export const layer: Layer.Layer<DurableStore | DurableStoreLoss> = Layer.effectContext(
  Effect.map(makeWithLoss, ({ loss, store }) =>
    Context.make(DurableStore, store).pipe(Context.add(DurableStoreLoss, loss))
  )
)
