import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option } from "effect"
import * as FastCheck from "effect/FastCheck"
import { Create, Unconditional } from "../programs/model.ts"
import { versionPath } from "../programs/durablePaths.ts"
import { draftId, ownerId } from "./support/draftIds.ts"
import type { DraftStack } from "./support/draftStack.ts"
import { memoryStack } from "./support/memoryStack.ts"
import { durablePaths, hotBytes, newestDurable, plantHotRecord } from "./support/storedBytes.ts"

const owner = ownerId("claimant-5b81d0")
const otherOwner = ownerId("claimant-c47e12")
const draft = draftId("q7Wm2Xk9Lp3Rz8Ty")
const otherDraft = draftId("Vb4Nc6Md1Fg5Hj0K")
const ref = { owner, draftId: draft }

/** Offset of the key id length byte: the fixed header is 48 bytes (docs/envelope.md). */
const keyIdLengthOffset = 48

/** XOR masks applied to every byte: the lowest bit and all bits. Every kind value has its own test. */
const flipMasks = [0x01, 0xff] as const

const tagOf = <A>(result: Either.Either<A, { readonly _tag: string }>): string =>
  Either.isLeft(result) ? result.left._tag : "a document"

/** Loads the draft and returns the failure tag, or "a document" when the load returned data. */
const loadOutcome = (stack: DraftStack, target = ref) => Effect.map(Effect.either(stack.drafts.load(target)), tagOf)

/** Saves a small claim and persists it, so the same bytes are in both tiers. */
const savedAndPersisted = (stack: DraftStack) =>
  Effect.gen(function* () {
    yield* stack.drafts.save({ ...ref, document: `{"ssn":"900-41-0007","note":"käse 🧀"}`, precondition: Create })
    yield* stack.drafts.flush(ref)
    const key = stack.keyOf(owner, draft)
    const hot = Option.getOrThrow(yield* hotBytes(stack, key))
    const durable = yield* newestDurable(stack, key)
    expect(Buffer.from(hot).equals(Buffer.from(durable.bytes))).toBe(true)
    return { key, bytes: hot, path: durable.path }
  })

const withByte = (bytes: Uint8Array, index: number, value: number): Uint8Array => {
  const copy = Uint8Array.from(bytes)
  copy[index] = value
  return copy
}

const jsonObject = FastCheck.dictionary(FastCheck.string({ unit: "binary", maxLength: 12 }), FastCheck.jsonValue({ maxDepth: 4 }), {
  maxKeys: 8
})

describe("envelope round trip", () => {
  it.effect.prop(
    "any JSON object reads back exactly",
    [jsonObject, FastCheck.constantFrom(0, 1, "  ")],
    ([value, space]) =>
      Effect.gen(function* () {
        const stack = yield* memoryStack()
        const text = JSON.stringify(value, null, space)
        yield* stack.drafts.save({ ...ref, document: text, precondition: Create })
        expect((yield* stack.drafts.load(ref)).document).toBe(text)

        yield* stack.drafts.flush(ref)
        yield* stack.loseHotTier
        const restored = yield* stack.drafts.load(ref)
        expect(restored.tier).toBe("durable")
        expect(restored.document).toBe(text)
      }).pipe(Effect.scoped),
    { fastCheck: { numRuns: 25 } }
  )

  it.scoped("unicode text is stored byte for byte", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const text = [
        "{",
        `"name":"Nguyễn Thị Minh-Châu Ø'Brien",`,
        `"comment":"工厂搬迁 — 계약 만료 👩🏽‍🍳 Jose\u0301 \u2028 \u2029",`,
        `"escaped":"\\ud83d\\ude00 \\ud800 \\u0000",`,
        `"rtl":"انتهى عقدي"`,
        "}"
      ].join("\n")
      yield* stack.drafts.save({ ...ref, document: text, precondition: Create })
      expect((yield* stack.drafts.load(ref)).document).toBe(text)
    }))

  it.scoped("big integers in a replace survive exactly", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const text = `{"wagesCents": 123456789012345678901234567890, "ratio": 0.10000000000000000000001, "tiny": 1e-400}`
      yield* stack.drafts.save({ ...ref, document: text, precondition: Create })
      yield* stack.drafts.flush(ref)
      yield* stack.loseHotTier
      expect((yield* stack.drafts.load(ref)).document).toBe(text)
    }))

  it.scoped("nesting at the depth limit round trips", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      let value: unknown = ["bottom"]
      for (let level = 2; level < stack.config.maxDepth; level++) value = level % 2 === 0 ? { level: value } : [value]
      const text = JSON.stringify({ top: value })
      expect(text.split("[").length - 1 + text.split("{").length - 1).toBe(stack.config.maxDepth)

      yield* stack.drafts.save({ ...ref, document: text, precondition: Create })
      expect((yield* stack.drafts.load(ref)).document).toBe(text)
    }))

  it.scoped("large arrays round trip", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const entries = Array.from({ length: 20_000 }, (_, index) => (index % 3 === 0 ? index * 1.5 : `w${index}`))
      const text = JSON.stringify({ entries })
      expect(Buffer.byteLength(text)).toBeLessThan(stack.config.maxDocumentBytes)

      yield* stack.drafts.save({ ...ref, document: text, precondition: Create })
      yield* stack.drafts.flush(ref)
      yield* stack.loseHotTier
      expect((yield* stack.drafts.load(ref)).document).toBe(text)
    }))
})

describe("envelope integrity", () => {
  it.scoped("flipping any byte of the hot record fails integrity", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const { key, bytes } = yield* savedAndPersisted(stack)

      for (let index = 0; index < bytes.length; index++) {
        for (const mask of flipMasks) {
          yield* plantHotRecord(stack, key, withByte(bytes, index, bytes[index]! ^ mask))
          expect(yield* loadOutcome(stack), `byte ${index} flipped with ${mask}`).toBe("IntegrityFailure")
        }
      }

      yield* plantHotRecord(stack, key, bytes)
      expect(yield* loadOutcome(stack)).toBe("a document")
    }))

  it.scoped("flipping any byte of the durable record fails integrity", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const { bytes, path } = yield* savedAndPersisted(stack)
      yield* stack.loseHotTier

      for (let index = 0; index < bytes.length; index++) {
        for (const mask of flipMasks) {
          yield* stack.durable.put(path, withByte(bytes, index, bytes[index]! ^ mask))
          expect(yield* loadOutcome(stack), `byte ${index} flipped with ${mask}`).toBe("IntegrityFailure")
        }
      }

      yield* stack.durable.put(path, bytes)
      expect(yield* loadOutcome(stack)).toBe("a document")
    }))

  it.scoped("every value of the kind byte fails integrity", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const { key, bytes } = yield* savedAndPersisted(stack)

      for (let kind = 0; kind < 256; kind++) {
        if (kind === bytes[3]) continue
        yield* plantHotRecord(stack, key, withByte(bytes, 3, kind))
        expect(yield* loadOutcome(stack), `kind ${kind}`).toBe("IntegrityFailure")
      }
    }))

  it.scoped("truncating the hot record at any length fails integrity", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const { key, bytes } = yield* savedAndPersisted(stack)

      for (let length = 0; length < bytes.length; length++) {
        yield* plantHotRecord(stack, key, bytes.slice(0, length))
        expect(yield* loadOutcome(stack), `truncated to ${length} bytes`).toBe("IntegrityFailure")
      }
    }))

  it.scoped("truncating the durable record at any length fails integrity", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const { bytes, path } = yield* savedAndPersisted(stack)
      yield* stack.loseHotTier

      for (let length = 0; length < bytes.length; length++) {
        yield* stack.durable.put(path, bytes.slice(0, length))
        expect(yield* loadOutcome(stack), `truncated to ${length} bytes`).toBe("IntegrityFailure")
      }
    }))

  it.scoped("a record moved to another draft fails integrity", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const { bytes } = yield* savedAndPersisted(stack)
      const target = { owner, draftId: otherDraft }
      const targetKey = stack.keyOf(owner, otherDraft)

      yield* plantHotRecord(stack, targetKey, bytes)
      expect(yield* loadOutcome(stack, target)).toBe("IntegrityFailure")

      yield* stack.loseHotTier
      yield* stack.durable.put(versionPath(targetKey, 1, "draft"), bytes)
      expect(yield* loadOutcome(stack, target)).toBe("IntegrityFailure")
      expect(yield* stack.drafts.list(owner)).toHaveLength(1)
    }))

  it.scoped("a record moved to another owner fails integrity", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const { bytes } = yield* savedAndPersisted(stack)
      const target = { owner: otherOwner, draftId: draft }
      const targetKey = stack.keyOf(otherOwner, draft)

      yield* plantHotRecord(stack, targetKey, bytes)
      expect(yield* loadOutcome(stack, target)).toBe("IntegrityFailure")

      yield* stack.loseHotTier
      yield* stack.durable.put(versionPath(targetKey, 1, "draft"), bytes)
      expect(yield* loadOutcome(stack, target)).toBe("IntegrityFailure")
      expect(yield* stack.drafts.list(otherOwner)).toEqual([])
    }))

  it.scoped("a record moved to another version fails integrity", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const first = yield* savedAndPersisted(stack)
      yield* stack.drafts.save({ ...ref, document: `{"ssn":"900-41-0008"}`, precondition: Unconditional })
      yield* stack.drafts.flush(ref)
      const second = yield* newestDurable(stack, first.key)
      yield* stack.loseHotTier

      // The first version's bytes under the second version's name, then under a newer one.
      yield* stack.durable.put(second.path, first.bytes)
      expect(yield* loadOutcome(stack)).toBe("IntegrityFailure")

      yield* stack.durable.put(second.path, second.bytes)
      yield* stack.durable.put(versionPath(first.key, 3, "draft"), first.bytes)
      expect(yield* loadOutcome(stack)).toBe("IntegrityFailure")
    }))

  it.scoped("a changed key id byte fails integrity", () =>
    Effect.gen(function* () {
      // Two keys whose ids differ in the last byte: the edited id names a key the keyring holds.
      const stack = yield* memoryStack({ keyIds: ["records-kek-a", "records-kek-b"] })
      const { key, bytes, path } = yield* savedAndPersisted(stack)
      const keyIdLength = bytes[keyIdLengthOffset]!
      const lastKeyIdByte = keyIdLengthOffset + keyIdLength
      expect(Buffer.from(bytes.subarray(keyIdLengthOffset + 1, lastKeyIdByte + 1)).toString()).toBe("records-kek-a")

      for (const replacement of ["b", "c"]) {
        const edited = withByte(bytes, lastKeyIdByte, replacement.charCodeAt(0))
        yield* plantHotRecord(stack, key, edited)
        expect(yield* loadOutcome(stack), `key id ending in ${replacement}, hot tier`).toBe("IntegrityFailure")

        yield* stack.loseHotTier
        yield* stack.durable.put(path, edited)
        expect(yield* loadOutcome(stack), `key id ending in ${replacement}, durable tier`).toBe("IntegrityFailure")
      }
      expect(stack.keyCalls.unwrapDataKey).toBeGreaterThan(0)
    }))

  it.scoped("failed reads never warm the hot tier", () =>
    Effect.gen(function* () {
      const stack = yield* memoryStack()
      const { key, bytes, path } = yield* savedAndPersisted(stack)
      yield* stack.loseHotTier
      yield* stack.durable.put(path, withByte(bytes, bytes.length - 1, bytes[bytes.length - 1]! ^ 0x01))

      expect(yield* loadOutcome(stack)).toBe("IntegrityFailure")
      expect(Option.isNone(yield* hotBytes(stack, key))).toBe(true)
      expect(yield* durablePaths(stack, key)).toEqual([path])
    }))
})
