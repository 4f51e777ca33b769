import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import { type Claim, WholeClaim } from "./claim.ts"
import { harmonize } from "./harmonize.ts"
import { pageCount } from "./pages.ts"
import { checkPageCount, fillPages } from "./stages.ts"

/** Claims with every page filled. Sections come from the schema annotations, and `harmonize` links them. */
export const wholeClaimArbitrary: FastCheck.Arbitrary<WholeClaim> = Arbitrary.make(WholeClaim).chain(harmonize)

/** Drafts whose first `pages` pages are filled (0 to the page count). */
export const claimAtStage = (pages: number): FastCheck.Arbitrary<Claim> => {
  checkPageCount(pages)
  return wholeClaimArbitrary.map((whole) => fillPages(whole, pages))
}

/** Drafts at any stage, from one page filled to the whole form. */
export const claimArbitrary: FastCheck.Arbitrary<Claim> = FastCheck.integer({ min: 1, max: pageCount }).chain(claimAtStage)
