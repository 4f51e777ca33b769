import * as FastCheck from "effect/FastCheck"
import { wholeClaimArbitrary } from "./arbitraries.ts"
import type { Claim, WholeClaim } from "./claim.ts"
import { checkPageCount, fillPages } from "./stages.ts"

/** Returns the whole claim for a seed. Every stage that `sampleClaim` returns for that seed is cut from it. */
export const sampleWholeClaim = (seed: number): WholeClaim => {
  const [whole] = FastCheck.sample(wholeClaimArbitrary, { seed, numRuns: 1 })
  if (whole === undefined) throw new Error("fast-check returned no sample for a run count of 1")
  return whole
}

/**
 * Returns the same plain JSON draft for the same seed and page count, in Node and Deno
 * alike: the claim with its first `pages` pages filled.
 */
export const sampleClaim = (seed: number, pages: number): Claim => {
  checkPageCount(pages)
  return fillPages(sampleWholeClaim(seed), pages)
}
