import * as FastCheck from "effect/FastCheck"
import { type Address, cityOf, postOfficeBoxIn } from "./address.ts"
import type { WholeClaim } from "./claim.ts"
import { addDays, isoDateBetween } from "./generators.ts"

/** Most claimants get mail at home, and the rest use a post office box in the same city. */
const mailingAddressFor = (residence: Address): FastCheck.Arbitrary<Address> => {
  const city = cityOf(residence)
  if (city === undefined) return FastCheck.constant(residence)
  return FastCheck.oneof(
    { weight: 3, arbitrary: FastCheck.constant(residence) },
    { weight: 1, arbitrary: postOfficeBoxIn(city) }
  )
}

/** Lowercase ASCII letters and digits of a name, as people fold names into email addresses. */
const foldForEmail = (name: string): string =>
  name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[^A-Za-z0-9]/g, "")
    .toLowerCase()

const emailFor = (first: string, last: string): FastCheck.Arbitrary<string> =>
  FastCheck.tuple(
    FastCheck.integer({ min: 1, max: 999 }),
    FastCheck.constantFrom("example.com", "example.net", "example.org")
  ).map(([number, domain]) => {
    const local = [foldForEmail(first), foldForEmail(last)].filter((part) => part !== "").join(".") || "claimant"
    return `${local}${number}@${domain}`
  })

const earliest = (dates: ReadonlyArray<string>): string | undefined => [...dates].sort()[0]

const latest = (dates: ReadonlyArray<string>): string | undefined => [...dates].sort().at(-1)

/**
 * Rewrites the fields that must agree across pages, because section arbitraries generate
 * them without seeing each other. The mailing address sits near home, and email and
 * signature follow the claimant's name. The claimant was at least 16 at the first job. The
 * claim is signed within three weeks of the last day worked, before any work authorization expires.
 */
export const harmonize = (claim: WholeClaim): FastCheck.Arbitrary<WholeClaim> => {
  const first = claim.claimant.first ?? ""
  const last = claim.claimant.last ?? ""
  const starts = claim.employers.flatMap((employer) => (employer.startDate === undefined ? [] : [employer.startDate]))
  const ends = claim.employers.flatMap((employer) => (employer.endDate === undefined ? [] : [employer.endDate]))
  const firstDay = earliest(starts) ?? "2015-01-01"
  const lastDay = latest([...starts, ...ends]) ?? "2025-06-30"

  return FastCheck.record({
    mailingAddress: mailingAddressFor(claim.residenceAddress),
    email: emailFor(first, last),
    birthDate: isoDateBetween("1945-01-01", addDays(firstDay, -16 * 366)),
    daysToSign: FastCheck.integer({ min: 1, max: 21 }),
    authorizationDays: FastCheck.integer({ min: 30, max: 1095 })
  }).map(({ authorizationDays, daysToSign, ...fields }) => {
    const signedOn = addDays(lastDay, daysToSign)
    const citizenship =
      claim.citizenship.authorizationExpires === undefined
        ? claim.citizenship
        : { ...claim.citizenship, authorizationExpires: addDays(signedOn, authorizationDays) }

    return {
      ...claim,
      ...fields,
      citizenship,
      certification: { ...claim.certification, signature: `${first} ${last}`.trim(), signedOn }
    }
  })
}
