import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import {
  Claim,
  claimArbitrary,
  claimAtStage,
  claimOfSize,
  demoSeed,
  pageCount,
  pagePatches,
  pages,
  sampleClaim,
  sampleWholeClaim,
  separationStage,
  WholeClaim,
  wholeClaimArbitrary
} from "./support/claims/index.ts"

const decodeClaim = Schema.decodeUnknownEither(Claim, { onExcessProperty: "error" })
const decodeWholeClaim = Schema.decodeUnknownEither(WholeClaim, { onExcessProperty: "error" })

// Shrinking a whole claim through chained arbitraries takes minutes, so properties report the first failure as found.

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** RFC 7386: objects merge member by member, null removes a member, anything else replaces. */
const mergePatch = (target: unknown, patch: unknown): unknown => {
  if (!isObject(patch)) return patch

  const result: Record<string, unknown> = isObject(target) ? { ...target } : {}
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name]
    else result[name] = mergePatch(result[name], value)
  }
  return result
}

/** Pages filled from the first on: a page counts once every field it fills is present. */
const filledPages = (draft: Claim): number => {
  let count = 0
  for (const page of pages) {
    const present = page.fields.every((field) => draft[field] !== undefined)
    const separated =
      page.name !== "separation" || (draft.employers ?? []).every((employer) => employer.separationReason !== undefined)
    if (!present || !separated) break
    count++
  }
  return count
}

const fieldsOfFirstPages = (count: number): Set<string> =>
  new Set(pages.slice(0, count).flatMap((page) => page.fields))

const commentsOf = (draft: Claim): Array<string> =>
  (draft.employers ?? []).flatMap((employer) => (employer.comments === undefined ? [] : [employer.comments]))

describe("claim drafts", () => {
  it("pages name every claim field", () => {
    const named = new Set(pages.flatMap((page) => page.fields))

    expect([...named].sort()).toEqual(Object.keys(Claim.fields).sort())
    expect(pages.map((page) => page.name)).toEqual([
      "identity",
      "contact",
      "addresses",
      "employment",
      "separation",
      "demographics",
      "education",
      "union",
      "income",
      "availability",
      "payment",
      "review"
    ])
  })

  it("seeded samples decode at every stage", () => {
    for (let seed = 0; seed < 20; seed++) {
      for (let stage = 0; stage <= pageCount; stage++) {
        const draft = sampleClaim(seed, stage)
        const decoded = decodeClaim(draft)

        expect(Either.isRight(decoded), `seed ${seed}, stage ${stage}`).toBe(true)
        expect(JSON.parse(JSON.stringify(draft))).toEqual(draft)
      }
    }
  })

  it("arbitrary drafts decode", () => {
    FastCheck.assert(
      FastCheck.property(claimArbitrary, (draft) => {
        expect(Either.getOrThrow(decodeClaim(draft))).toEqual(draft)
      }),
      { numRuns: 300, endOnFailure: true }
    )
  })

  it("whole claims fill every field", () => {
    FastCheck.assert(
      FastCheck.property(wholeClaimArbitrary, (whole) => {
        expect(Either.isRight(decodeWholeClaim(whole))).toBe(true)
        expect(filledPages(whole)).toBe(pageCount)
      }),
      { numRuns: 100, endOnFailure: true }
    )
  })

  it("ssns stay in the 900 test range", () => {
    const ssns: Array<string> = []
    FastCheck.assert(
      FastCheck.property(claimArbitrary, (draft) => {
        if (draft.ssn === undefined) return
        ssns.push(draft.ssn)
        expect(draft.ssn).toMatch(/^900-\d{2}-\d{4}$/)
        expect(draft.ssn.endsWith("-0000")).toBe(false)
      }),
      { numRuns: 500, endOnFailure: true }
    )

    expect(ssns.length).toBeGreaterThan(400)
    expect(new Set(ssns).size).toBeGreaterThan(100)
  })

  it("contact data stays fictional", () => {
    FastCheck.assert(
      FastCheck.property(wholeClaimArbitrary, (whole) => {
        const numbers = [
          ...whole.phones.flatMap((phone) => (phone.number === undefined ? [] : [phone.number])),
          ...whole.employers.flatMap((employer) => (employer.phone === undefined ? [] : [employer.phone]))
        ]
        for (const number of numbers) expect(number).toMatch(/^\+1\d{3}55501\d{2}$/)
        expect(whole.email).toMatch(/@example\.(com|net|org)$/)
      }),
      { numRuns: 100, endOnFailure: true }
    )
  })

  it("claimArbitrary reaches every stage", () => {
    const stages = new Set(FastCheck.sample(claimArbitrary, { seed: 42, numRuns: 600 }).map(filledPages))

    expect([...stages].sort((a, b) => a - b)).toEqual(Array.from({ length: pageCount }, (_, index) => index + 1))
  })

  it("claimAtStage fills exactly its pages", () => {
    for (let stage = 1; stage <= pageCount; stage++) {
      const allowed = fieldsOfFirstPages(stage)
      for (const draft of FastCheck.sample(claimAtStage(stage), { seed: stage, numRuns: 20 })) {
        expect(filledPages(draft), `stage ${stage}`).toBe(stage)
        for (const field of Object.keys(draft)) expect(allowed.has(field), `${field} at stage ${stage}`).toBe(true)
      }
    }
  })

  it("employers gain separation fields on the separation page", () => {
    const before = sampleClaim(3, separationStage - 1)
    const after = sampleClaim(3, separationStage)

    expect(before.employers?.length).toBeGreaterThan(0)
    for (const employer of before.employers ?? []) {
      expect(employer.separationReason).toBeUndefined()
      expect(employer.recallExpected).toBeUndefined()
      expect(employer.comments).toBeUndefined()
    }
    for (const employer of after.employers ?? []) expect(employer.separationReason).toBeDefined()
  })

  it("sampleClaim repeats per seed", () => {
    expect(sampleClaim(5, pageCount)).toEqual(sampleClaim(5, pageCount))
    expect(sampleClaim(5, pageCount)).not.toEqual(sampleClaim(6, pageCount))
  })

  it("sampleClaim rejects page counts outside the form", () => {
    expect(() => sampleClaim(1, pageCount + 1)).toThrow(RangeError)
    expect(() => sampleClaim(1, -1)).toThrow(RangeError)
    expect(() => sampleClaim(1, 1.5)).toThrow(RangeError)
  })

  it.each([1024, 4096, 65536])("claimOfSize lands within 10%% of %i bytes", (target) => {
    for (const seed of [1, 2, 3]) {
      const text = claimOfSize(target, seed)
      const size = utf8Bytes(text)

      expect(size, `seed ${seed}`).toBeGreaterThanOrEqual(target * 0.9)
      expect(size, `seed ${seed}`).toBeLessThanOrEqual(target * 1.1)
      expect(Either.isRight(decodeClaim(JSON.parse(text))), `seed ${seed}`).toBe(true)
      expect(claimOfSize(target, seed)).toBe(text)
    }
  })

  it("claimOfSize rejects targets no claim reaches", () => {
    expect(() => claimOfSize(16 * 1024 * 1024, 1)).toThrow(RangeError)
  })

  it("comments mix accents, CJK and emoji", () => {
    const comments = Array.from({ length: 100 }, (_, seed) => commentsOf(sampleWholeClaim(seed))).flat()

    expect(comments.some((comment) => /[\u00C0-\u024F\u1E00-\u1EFF]/u.test(comment))).toBe(true)
    expect(comments.some((comment) => /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(comment))).toBe(true)
    expect(comments.some((comment) => /\p{Extended_Pictographic}/u.test(comment))).toBe(true)
    expect(comments.every((comment) => comment.length > 0)).toBe(true)
  })

  it("page patches merge into the whole claim", () => {
    for (const seed of [demoSeed, 1, 2, 3]) {
      const patches = pagePatches(seed)
      expect(patches.map((step) => step.page)).toEqual(pages.map((page) => page.name))

      let draft: unknown = {}
      for (const [index, step] of patches.entries()) {
        draft = mergePatch(draft, step.patch)
        expect(draft, `seed ${seed} after ${step.page}`).toEqual(sampleClaim(seed, index + 1))
      }

      expect(Either.isRight(decodeWholeClaim(draft)), `seed ${seed}`).toBe(true)
      expect(draft).toEqual(sampleWholeClaim(seed))
    }
  })
})
