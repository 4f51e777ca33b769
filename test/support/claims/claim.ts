import * as Schema from "effect/Schema"
import { Address } from "./address.ts"
import { Demographics, Education, UnionMembership } from "./background.ts"
import { Availability, OtherIncome } from "./eligibility.ts"
import { Employers } from "./employer.ts"
import { BirthDate, Email, optional, Ssn } from "./fields.ts"
import { Certification, Payment, Withholding } from "./payment.ts"
import { Citizenship, PersonalName, Phones } from "./person.ts"

/**
 * A US unemployment-insurance initial claim as a draft: every field may be absent because
 * a draft contains whatever pages the claimant has filled so far. Values are plain JSON.
 */
export const Claim = Schema.Struct({
  claimant: optional(PersonalName),
  ssn: optional(Ssn),
  birthDate: optional(BirthDate),
  citizenship: optional(Citizenship),
  email: optional(Email),
  phones: optional(Phones),
  residenceAddress: optional(Address),
  mailingAddress: optional(Address),
  employers: optional(Employers),
  demographics: optional(Demographics),
  education: optional(Education),
  union: optional(UnionMembership),
  otherIncome: optional(OtherIncome),
  availability: optional(Availability),
  payment: optional(Payment),
  withholding: optional(Withholding),
  certification: optional(Certification)
}).annotations({ identifier: "Claim" })
export type Claim = typeof Claim.Type

export type ClaimField = keyof Claim

/** A claim with every page answered: each top-level field present, nested ones as the claimant left them. */
export const WholeClaim = Schema.required(Claim).annotations({ identifier: "WholeClaim" })
export type WholeClaim = typeof WholeClaim.Type
