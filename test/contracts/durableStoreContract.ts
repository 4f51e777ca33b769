import { randomBytes } from "node:crypto"
import { expect, layer } from "@effect/vitest"
import { Effect, FastCheck, type Layer, Option } from "effect"
import type { DraftKey } from "../../domain/keys.ts"
import { draftPrefix, ownerPrefix, parseVersionPath, versionPath } from "../../programs/durablePaths.ts"
import { DurableStore } from "../../programs/ports/DurableStore.ts"

export interface DurableStoreContractOptions {
  /**
   * Whether listings follow byte order when one path continues with `/` and a sibling with
   * a smaller character such as `-` or `.` (default true). Amazon S3 does; s3rver 3.7 lists
   * in directory-walk order instead, so `a/x` comes before `a-b/y` there.
   */
  readonly byteOrderAcrossSegments?: boolean
  /** Objects stored for the pagination test, more than one ListObjectsV2 page; 0 skips it (default 0). */
  readonly paginationObjects?: number
  /** Whether the store must offer `putIfAbsent`; when false it must not (default true). */
  readonly createOnly?: boolean
}

/** A digest as the programs make them: 32 random bytes in base64url without padding. */
const digest = (): string => randomBytes(32).toString("base64url")

const randomKey = (): DraftKey => ({ owner: digest(), draft: digest() })

/** A fresh top-level folder per test, so tests sharing one store never see each other's objects. */
const namespace = (): string => `${digest()}/`

const byteOrder = (paths: ReadonlyArray<string>): Array<string> =>
  [...paths].sort((left, right) => Buffer.compare(Buffer.from(left), Buffer.from(right)))

const shuffled = <A>(items: ReadonlyArray<A>): Array<A> => {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j] as A, copy[i] as A]
  }
  return copy
}

const putAll = (paths: ReadonlyArray<string>) =>
  Effect.flatMap(DurableStore, (store) =>
    Effect.forEach(paths, (path) => store.put(path, new TextEncoder().encode(path)), {
      concurrency: 16,
      discard: true
    })
  )

/**
 * Runs the DurableStore contract over `storeLayer`; every store must pass it unchanged.
 * NOTE: `layer` of @effect/vitest 0.30 replaces the test file's `it.effect` with one bound to
 * its own runtime, which has no TestClock. Call this after the file's other tests.
 */
export const durableStoreContract = (
  name: string,
  storeLayer: Layer.Layer<DurableStore, unknown>,
  options: DurableStoreContractOptions = {}
) =>
  layer(storeLayer, { excludeTestServices: true, timeout: "60 seconds" })(name, (it) => {
    it.effect("round trip keeps arbitrary bytes", () =>
      Effect.gen(function* () {
        const store = yield* DurableStore
        const base = namespace()
        const samples = [
          Uint8Array.from({ length: 256 }, (_, i) => i),
          ...FastCheck.sample(FastCheck.uint8Array({ maxLength: 4096 }), 25)
        ]

        yield* Effect.forEach(samples, (bytes, i) => store.put(`${base}${i}`, bytes), { concurrency: 8 })
        for (const [i, bytes] of samples.entries()) {
          const stored = yield* store.get(`${base}${i}`)
          expect(Option.map(stored, (value) => Buffer.from(value).toString("hex"))).toEqual(
            Option.some(Buffer.from(bytes).toString("hex"))
          )
        }
      }))

    it.effect("zero-byte object round trip", () =>
      Effect.gen(function* () {
        const store = yield* DurableStore
        const path = `${namespace()}empty`

        yield* store.put(path, new Uint8Array(0))
        const stored = yield* store.get(path)

        expect(Option.map(stored, (value) => value.length)).toEqual(Option.some(0))
      }))

    it.effect("256 KiB object round trip", () =>
      Effect.gen(function* () {
        const store = yield* DurableStore
        const path = `${namespace()}large`
        const bytes = randomBytes(256 * 1024)

        yield* store.put(path, bytes)
        const stored = yield* store.get(path)

        expect(Option.isSome(stored)).toBe(true)
        expect(Buffer.compare(Buffer.from(Option.getOrThrow(stored)), bytes)).toBe(0)
      }))

    it.effect("get of missing path is none", () =>
      Effect.gen(function* () {
        const store = yield* DurableStore
        expect(yield* store.get(`${namespace()}missing`)).toEqual(Option.none())
      }))

    it.effect("put replaces the object", () =>
      Effect.gen(function* () {
        const store = yield* DurableStore
        const path = `${namespace()}object`

        yield* store.put(path, Uint8Array.of(1, 2, 3))
        yield* store.put(path, Uint8Array.of(9))

        expect(Option.map(yield* store.get(path), Array.from)).toEqual(Option.some([9]))
        expect(yield* store.list(path)).toEqual([path])
      }))

    it.effect("stored bytes ignore later buffer changes", () =>
      Effect.gen(function* () {
        const store = yield* DurableStore
        const path = `${namespace()}object`
        const bytes = Uint8Array.of(1, 2, 3)

        yield* store.put(path, bytes)
        bytes[0] = 7
        const first = Option.getOrThrow(yield* store.get(path))
        first[1] = 7

        expect(Option.map(yield* store.get(path), Array.from)).toEqual(Option.some([1, 2, 3]))
      }))

    it.effect("delete removes paths and ignores missing ones", () =>
      Effect.gen(function* () {
        const store = yield* DurableStore
        const base = namespace()
        yield* putAll([`${base}a/1`, `${base}a/2`, `${base}b/1`])

        yield* store.delete([`${base}a/1`, `${base}missing/1`, `${base}a/missing`])
        yield* store.delete([])

        expect(yield* store.get(`${base}a/1`)).toEqual(Option.none())
        expect(yield* store.list(base)).toEqual([`${base}a/2`, `${base}b/1`])

        yield* store.delete([`${base}a/2`, `${base}b/1`])
        expect(yield* store.list(base)).toEqual([])
      }))

    it.effect("list is in ascending byte order", () =>
      Effect.gen(function* () {
        const store = yield* DurableStore
        const owner = digest()
        const keys = [digest(), digest(), digest()].map((draft) => ({ owner, draft }))
        const paths = keys.flatMap((key) => [
          versionPath(key, 1, "draft"),
          versionPath(key, 9, "draft"),
          versionPath(key, 10, "draft"),
          versionPath(key, 10, "tombstone"),
          versionPath(key, 12_345, "submitted")
        ])

        yield* putAll(shuffled(paths))

        expect(yield* store.list(ownerPrefix(owner))).toEqual(byteOrder(paths))
      }))

    it.effect("list limit returns the first paths", () =>
      Effect.gen(function* () {
        const store = yield* DurableStore
        const base = namespace()
        const paths = ["c", "a", "b", "d"].map((name) => `${base}${name}`)
        yield* putAll(paths)

        expect(yield* store.list(base, 1)).toEqual([`${base}a`])
        expect(yield* store.list(base, 3)).toEqual([`${base}a`, `${base}b`, `${base}c`])
        expect(yield* store.list(base, 10)).toEqual(byteOrder(paths))
        expect(yield* store.list(base, 0)).toEqual([])
      }))

    it.effect("prefix excludes sibling folders", () =>
      Effect.gen(function* () {
        const store = yield* DurableStore
        const base = namespace()
        yield* putAll([`${base}a/x`, `${base}ab/y`, `${base}a-b/z`, `${base}b/a/x`])

        expect(yield* store.list(`${base}a/`)).toEqual([`${base}a/x`])
        expect(yield* store.list(`${base}ab/`)).toEqual([`${base}ab/y`])
        expect(yield* store.list(`${base}a/`, 1)).toEqual([`${base}a/x`])
        expect(yield* store.list(`${base}c/`)).toEqual([])
        expect([...(yield* store.list(`${base}a`))].sort()).toEqual([`${base}a-b/z`, `${base}a/x`, `${base}ab/y`])
      }))

    it.effect("draft prefix excludes other drafts", () =>
      Effect.gen(function* () {
        const store = yield* DurableStore
        const key = randomKey()
        const longer = { owner: key.owner, draft: `${key.draft}x` }
        const otherOwner = { owner: `${key.owner}x`, draft: key.draft }
        yield* putAll([versionPath(key, 1, "draft"), versionPath(longer, 2, "draft"), versionPath(otherOwner, 3, "draft")])

        expect(yield* store.list(draftPrefix(key))).toEqual([versionPath(key, 1, "draft")])
        expect(yield* store.list(ownerPrefix(key.owner))).toEqual(
          byteOrder([versionPath(key, 1, "draft"), versionPath(longer, 2, "draft")])
        )
      }))

    it.effect("newest version lists first", () =>
      Effect.gen(function* () {
        const store = yield* DurableStore
        const pairs: ReadonlyArray<readonly [number, number]> = [
          [8, 9],
          [9, 10],
          [99, 100],
          [1, Number.MAX_SAFE_INTEGER - 1]
        ]

        for (const [older, newer] of pairs) {
          const key = randomKey()
          yield* putAll([versionPath(key, older, "draft"), versionPath(key, newer, "draft")])

          const [first] = yield* store.list(draftPrefix(key), 1)
          expect(first === undefined ? undefined : parseVersionPath(first)).toEqual({ key, seq: newer, tombstone: false })
        }
      }))

    it.effect("tombstone lists before record of its seq", () =>
      Effect.gen(function* () {
        const store = yield* DurableStore
        const key = randomKey()

        yield* putAll([versionPath(key, 9, "draft"), versionPath(key, 8, "draft")])
        yield* putAll([versionPath(key, 9, "tombstone")])

        const [first] = yield* store.list(draftPrefix(key), 1)
        expect(first === undefined ? undefined : parseVersionPath(first)).toEqual({ key, seq: 9, tombstone: true })
        expect(yield* store.list(draftPrefix(key))).toEqual([
          versionPath(key, 9, "tombstone"),
          versionPath(key, 9, "draft"),
          versionPath(key, 8, "draft")
        ])
      }))

    if (options.byteOrderAcrossSegments ?? true) {
      it.effect("byte order across segment separators", () =>
        Effect.gen(function* () {
          const store = yield* DurableStore
          const base = namespace()
          const paths = [`${base}a/x`, `${base}a-b/y`, `${base}a.c`, `${base}ab/z`, `${base}a/x0`]
          yield* putAll(shuffled(paths))

          expect(yield* store.list(base)).toEqual([`${base}a-b/y`, `${base}a.c`, `${base}a/x`, `${base}a/x0`, `${base}ab/z`])
          expect(yield* store.list(`${base}a`, 2)).toEqual([`${base}a-b/y`, `${base}a.c`])
        }))
    }

    if (options.createOnly ?? true) {
      it.effect("putIfAbsent keeps the first object", () =>
        Effect.gen(function* () {
          const store = yield* DurableStore
          const putIfAbsent = store.putIfAbsent
          expect(putIfAbsent).toBeDefined()
          if (putIfAbsent === undefined) return

          const path = `${namespace()}claim`
          expect(yield* putIfAbsent(path, Uint8Array.of(1))).toBe("created")
          expect(yield* putIfAbsent(path, Uint8Array.of(2))).toBe("exists")
          expect(Option.map(yield* store.get(path), (bytes) => [...bytes])).toEqual(Option.some([1]))
          expect(yield* store.list(path)).toEqual([path])
        }))

      it.effect("concurrent putIfAbsent: one creates", () =>
        Effect.gen(function* () {
          const store = yield* DurableStore
          const putIfAbsent = store.putIfAbsent
          expect(putIfAbsent).toBeDefined()
          if (putIfAbsent === undefined) return

          const path = `${namespace()}${digest()}/claim`
          const writers = Array.from({ length: 8 }, (_, index) => Uint8Array.of(index))
          const outcomes = yield* Effect.forEach(writers, (bytes) => putIfAbsent(path, bytes), { concurrency: "unbounded" })

          expect(outcomes.filter((outcome) => outcome === "created")).toHaveLength(1)
          const winner = outcomes.indexOf("created")
          expect(Option.map(yield* store.get(path), (bytes) => [...bytes])).toEqual(Option.some([winner]))
        }))
    } else {
      it.effect("offers no putIfAbsent", () =>
        Effect.map(DurableStore, (store) => expect(store.putIfAbsent).toBeUndefined()))
    }

    const paginationObjects = options.paginationObjects ?? 0
    if (paginationObjects > 0) {
      it.effect(
        "list pages beyond one response",
        () =>
          Effect.gen(function* () {
            const store = yield* DurableStore
            const base = namespace()
            const paths = Array.from({ length: paginationObjects }, (_, i) => `${base}${String(i).padStart(6, "0")}`)
            yield* putAll(paths)

            expect(yield* store.list(base)).toEqual(paths)
            expect(yield* store.list(base, paginationObjects - 1)).toEqual(paths.slice(0, -1))
            expect(yield* store.list(base, 1001)).toEqual(paths.slice(0, 1001))
          }),
        120_000
      )
    }
  })
