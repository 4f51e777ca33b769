import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import type { Claim } from "./claim.ts"
import { commentSentences } from "./comments.ts"
import { type Employer, Employer as EmployerSchema } from "./employer.ts"
import { commentMaxLength } from "./fields.ts"
import { pageCount, separationStage } from "./pages.ts"
import { sampleWholeClaim } from "./sampleClaim.ts"
import { fillPages } from "./stages.ts"

/** Employers a sized claim lists at most, as a base period with many short jobs might. */
export const maxSizedEmployers = 12

const encoder = new TextEncoder()

/** Returns the UTF-8 size of the claim's JSON text, which a store receives before encryption. */
export const jsonBytes = (claim: Claim): number => encoder.encode(JSON.stringify(claim)).length

const graphemes = (text: string): Array<string> =>
  Array.from(new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text), (part) => part.segment)

const withEmployers = (claim: Claim, employers: ReadonlyArray<Employer>): Claim => ({ ...claim, employers })

/** Sets employer `index`'s comment. An empty comment removes the field, as a form leaves a blank box out. */
const withComment = (claim: Claim, index: number, comments: string): Claim => {
  const employers = (claim.employers ?? []).map((employer, position) => {
    if (position !== index) return employer
    const { comments: _previous, ...rest } = employer
    return comments === "" ? rest : { ...rest, comments }
  })
  return withEmployers(claim, employers)
}

/** Returns the draft with the most pages that fits, from the separation page on, or the separation-page draft when none fits. */
const largestStageWithin = (whole: Claim, targetBytes: number): Claim => {
  for (let count = pageCount; count > separationStage; count--) {
    const draft = fillPages(whole, count)
    if (jsonBytes(draft) <= targetBytes) return draft
  }
  return fillPages(whole, separationStage)
}

/**
 * Rewrites employer `index`'s comment as `base` plus the longest whole-grapheme prefix of
 * `extension` that keeps the claim within `targetBytes` and the comment within its maximum length.
 */
const fitComment = (claim: Claim, index: number, base: string, extension: string, targetBytes: number): Claim => {
  const parts = graphemes(extension)
  const build = (count: number): Claim => {
    const added = parts.slice(0, count).join("")
    return withComment(claim, index, base === "" || added === "" ? base + added : `${base} ${added}`)
  }
  const fits = (count: number): boolean => {
    const candidate = build(count)
    const comment = candidate.employers?.[index]?.comments ?? ""
    return comment.length <= commentMaxLength && jsonBytes(candidate) <= targetBytes
  }

  let low = 0
  let high = parts.length
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (fits(middle)) low = middle
    else high = middle - 1
  }
  return build(low)
}

/** Builds text long enough to fill any comment by cycling through the sentence pool from a seed-chosen start. */
const fillerText = (seed: number): string => {
  const start = Math.abs(Math.trunc(seed)) % commentSentences.length
  const words: Array<string> = []
  for (let length = 0, index = start; length < commentMaxLength; index++) {
    const sentence = commentSentences[index % commentSentences.length] ?? ""
    words.push(sentence)
    length += sentence.length + 1
  }
  return words.join(" ")
}

/** Drops employers after the first and shortens its comment until the claim fits, if it can. */
const shrinkToFit = (claim: Claim, targetBytes: number): Claim => {
  const [first] = claim.employers ?? []
  if (first === undefined) return claim

  const single = withEmployers(claim, [first])
  if (jsonBytes(single) <= targetBytes) return single

  // NOTE: a draft with one employer and every page up to separation is the floor, and it may exceed tiny targets.
  return fitComment(withComment(single, 0, ""), 0, "", first.comments ?? "", targetBytes)
}

const addEmployers = (claim: Claim, extras: ReadonlyArray<Employer>, targetBytes: number): Claim => {
  let current = claim
  for (const extra of extras) {
    const employers = current.employers ?? []
    if (employers.length >= maxSizedEmployers) break

    const candidate = withEmployers(current, [...employers, extra])
    if (jsonBytes(candidate) > targetBytes) break
    current = candidate
  }
  return current
}

const lengthenComments = (claim: Claim, filler: string, targetBytes: number): Claim => {
  let current = claim
  const count = current.employers?.length ?? 0
  for (let index = 0; index < count && jsonBytes(current) < targetBytes; index++) {
    const base = current.employers?.[index]?.comments ?? ""
    current = fitComment(current, index, base, filler, targetBytes)
  }
  return current
}

/**
 * Returns the JSON text of a realistic draft whose UTF-8 size is at most `targetBytes` and
 * usually within a few bytes of it, for benchmarks. The draft fills as many pages as fit,
 * then adds employers and lengthens their multilingual comments. The same arguments give
 * the same text. Throws a RangeError when even the largest such draft stays under 90% of
 * the target.
 */
export const claimOfSize = (targetBytes: number, seed: number): string => {
  const whole = sampleWholeClaim(seed)
  const extras = FastCheck.sample(Arbitrary.make(EmployerSchema), { seed, numRuns: maxSizedEmployers })

  let claim = largestStageWithin(whole, targetBytes)
  if (jsonBytes(claim) > targetBytes) claim = shrinkToFit(claim, targetBytes)
  claim = addEmployers(claim, extras, targetBytes)
  claim = lengthenComments(claim, fillerText(seed), targetBytes)

  const size = jsonBytes(claim)
  if (size < targetBytes * 0.9) {
    throw new RangeError(
      `targetBytes ${targetBytes} is above what a claim of ${maxSizedEmployers} employers with ${commentMaxLength}-character comments reaches (${size} bytes)`
    )
  }
  return JSON.stringify(claim)
}
