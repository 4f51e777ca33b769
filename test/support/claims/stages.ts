import type { Claim, ClaimField } from "./claim.ts"
import type { Employer } from "./employer.ts"
import { pageCount, pages, separationFields, separationStage } from "./pages.ts"

type MutableClaim = { -readonly [K in keyof Claim]: Claim[K] }

const copyField = <K extends ClaimField>(target: MutableClaim, source: Claim, field: K): void => {
  if (field in source) target[field] = source[field]
}

/** Copies the named top-level fields that are present in `claim`. */
export const pickFields = (claim: Claim, fields: ReadonlyArray<ClaimField>): Claim => {
  const picked: MutableClaim = {}
  for (const field of fields) copyField(picked, claim, field)
  return picked
}

const withoutSeparation = (employer: Employer): Employer => {
  const job: { -readonly [K in keyof Employer]: Employer[K] } = { ...employer }
  for (const field of separationFields) delete job[field]
  return job
}

/** Throws a RangeError unless `count` is a whole number of pages the form has. */
export const checkPageCount = (count: number): void => {
  if (!Number.isInteger(count) || count < 0 || count > pageCount) {
    throw new RangeError(`page count must be an integer from 0 to ${pageCount}, got ${count}`)
  }
}

/**
 * Copies from a whole claim the fields that its first `count` pages fill, which is what a
 * draft contains after the claimant finished those pages. Zero pages give an empty draft.
 */
export const fillPages = (whole: Claim, count: number): Claim => {
  checkPageCount(count)

  const draft: MutableClaim = pickFields(
    whole,
    pages.slice(0, count).flatMap((page) => page.fields)
  )

  if (count < separationStage && draft.employers !== undefined) {
    draft.employers = draft.employers.map(withoutSeparation)
  }
  return draft
}
