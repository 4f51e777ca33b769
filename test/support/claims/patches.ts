import type { Claim } from "./claim.ts"
import { type PageName, pages } from "./pages.ts"
import { sampleWholeClaim } from "./sampleClaim.ts"
import { fillPages, pickFields } from "./stages.ts"

/** What one page sends when the claimant finishes it: a JSON Merge Patch (RFC 7386) of the draft. */
export interface PagePatch {
  readonly page: PageName
  readonly patch: Claim
}

/** The seed of the claim the demo fills. */
export const demoSeed = 7

/**
 * Returns one merge patch per page, in page order. Applied in turn to an empty draft they
 * give `sampleClaim(seed, k)` after k patches. Arrays replace the whole array under RFC 7386,
 * so the separation page sends every employer again with the separation fields added.
 */
export const pagePatches = (seed: number = demoSeed): ReadonlyArray<PagePatch> => {
  const whole = sampleWholeClaim(seed)

  return pages.map((page, index) => {
    const patch = pickFields(fillPages(whole, index + 1), page.fields)
    return { page: page.name, patch }
  })
}
