import type { ClaimField } from "./claim.ts"
import type { Employer } from "./employer.ts"

export interface Page {
  readonly name: string
  /** Top-level claim fields the page fills. */
  readonly fields: ReadonlyArray<ClaimField>
}

/** The claim form's pages in the order a claimant fills them. */
export const pages = [
  { name: "identity", fields: ["claimant", "ssn", "birthDate", "citizenship"] },
  { name: "contact", fields: ["email", "phones"] },
  { name: "addresses", fields: ["residenceAddress", "mailingAddress"] },
  { name: "employment", fields: ["employers"] },
  { name: "separation", fields: ["employers"] },
  { name: "demographics", fields: ["demographics"] },
  { name: "education", fields: ["education"] },
  { name: "union", fields: ["union"] },
  { name: "income", fields: ["otherIncome"] },
  { name: "availability", fields: ["availability"] },
  { name: "payment", fields: ["payment", "withholding"] },
  { name: "review", fields: ["certification"] }
] as const satisfies ReadonlyArray<Page>

export type PageName = (typeof pages)[number]["name"]

export const pageCount = pages.length

/**
 * Employer fields the separation page fills. The employment page fills every other employer
 * field, so before the separation page the employers carry none of these.
 */
export const separationFields = ["separationReason", "recallExpected", "comments"] as const satisfies ReadonlyArray<
  keyof Employer
>

/** Pages filled once the separation page is done, counting from 1. */
export const separationStage = pages.findIndex((page) => page.name === "separation") + 1
