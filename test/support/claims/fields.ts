import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { digits, dollarsBetween, isoDateBetween, sentences } from "./generators.ts"
import { cities, firstNames, lastNames } from "./vocabulary.ts"

// NOTE: Arbitrary.make filters an annotated arbitrary through the schema's refinements, so an
// annotation whose values never pass them makes generation loop forever instead of failing.

/** An optional field that is absent rather than `undefined`, so drafts stay plain JSON. */
export const optional = <S extends Schema.Schema.All>(schema: S) => Schema.optionalWith(schema, { exact: true })

/** One line of text a claimant types: a name, a street, a program. */
export const Line = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(120))

/** Free text from a comment box, in UTF-16 code units as `String.length` counts them. */
export const commentMaxLength = 8000

export const Comments = Schema.String.pipe(Schema.maxLength(commentMaxLength)).annotations({
  identifier: "Comments",
  arbitrary: () => () => sentences(1, 3)
})

export const FirstName = Line.annotations({ arbitrary: () => () => FastCheck.constantFrom(...firstNames) })

export const LastName = Line.annotations({ arbitrary: () => () => FastCheck.constantFrom(...lastNames) })

const isCalendarDate = (value: string): boolean => {
  const parsed = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value)
}

export const IsoDate = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}$/),
  Schema.filter(isCalendarDate, { message: () => "must be a calendar date that exists" })
).annotations({
  identifier: "IsoDate",
  description: "a calendar date as YYYY-MM-DD",
  arbitrary: () => () => isoDateBetween("2015-01-01", "2025-12-31")
})

export const BirthDate = IsoDate.annotations({ arbitrary: () => () => isoDateBetween("1945-01-01", "2007-12-31") })

/**
 * A Social Security number in area 900, which SSA never issues. Groups 40-49 also stay
 * outside the middle digits the IRS assigns to ITINs (50-65, 70-88, 90-92, 94-99), IRSNs
 * (01-10, 17-19, 28-29, 37-39) and ATINs (93), so no value here names a real taxpayer.
 */
export const Ssn = Schema.String.pipe(Schema.pattern(/^900-4\d-(?!0000)\d{4}$/)).annotations({
  identifier: "Ssn",
  description: "a test SSN of the form 900-4N-NNNN",
  arbitrary: () => () =>
    FastCheck.tuple(FastCheck.integer({ min: 40, max: 49 }), FastCheck.integer({ min: 1, max: 9999 })).map(
      ([group, serial]) => `900-${group}-${String(serial).padStart(4, "0")}`
    )
})

/** Addresses under the domains RFC 2606 reserves for examples, so no mail reaches anyone. */
export const Email = Schema.String.pipe(Schema.maxLength(254), Schema.pattern(/^[^@\s]+@[^@\s]+\.[^@\s]+$/)).annotations({
  identifier: "Email",
  arbitrary: () => () =>
    FastCheck.tuple(
      FastCheck.constantFrom("maria.g", "jnguyen", "d.okafor", "wchen88", "pat.kowalski", "lefevre.r"),
      FastCheck.integer({ min: 1, max: 999 }),
      FastCheck.constantFrom("example.com", "example.net", "example.org")
    ).map(([local, number, domain]) => `${local}${number}@${domain}`)
})

/** Generates numbers under one area code from 555-0100 to 555-0199, which are reserved for fiction, so none rings a real phone. */
export const phoneNumberIn = (areaCode: string): FastCheck.Arbitrary<string> =>
  digits(2).map((line) => `+1${areaCode}55501${line}`)

/** A US number in E.164 form. */
export const PhoneNumber = Schema.String.pipe(Schema.pattern(/^\+1[2-9]\d{2}[2-9]\d{6}$/)).annotations({
  identifier: "PhoneNumber",
  arbitrary: () => () => FastCheck.constantFrom(...cities.map((city) => city.areaCode)).chain(phoneNumberIn)
})

/** USPS codes of the states, DC and the territories that run UI programs. */
export const UsState = Schema.Literal(
  "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
  "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
  "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
  "PR", "VI"
)

/** A ZIP code, with or without the +4 suffix. */
export const ZipCode = Schema.String.pipe(Schema.pattern(/^\d{5}(-\d{4})?$/))

const hasWholeCents = (value: number): boolean => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6

/** US dollars with at most two decimal places. */
export const Money = Schema.Number.pipe(
  Schema.finite(),
  Schema.nonNegative(),
  Schema.filter(hasWholeCents, { message: () => "must have at most two decimal places" })
).annotations({ identifier: "Money", arbitrary: () => () => dollarsBetween(0, 5000) })

/** Checks the ABA check digit: with weights 3, 7 and 1 repeating over the digits, the weighted sum is a multiple of 10. */
const hasAbaChecksum = (value: string): boolean => {
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1]
  const sum = weights.reduce((total, weight, index) => total + weight * Number(value[index]), 0)
  return sum % 10 === 0
}

/** First two digits of routing numbers: Federal Reserve districts 01-12, thrifts 21-32, electronic 61-72, traveler's checks 80. */
const routingPrefixes = [
  ...Array.from({ length: 12 }, (_, index) => index + 1),
  ...Array.from({ length: 12 }, (_, index) => index + 21),
  ...Array.from({ length: 12 }, (_, index) => index + 61),
  80
].map((prefix) => String(prefix).padStart(2, "0"))

const checkDigit = (eightDigits: string): string => {
  const weights = [3, 7, 1, 3, 7, 1, 3, 7]
  const sum = weights.reduce((total, weight, index) => total + weight * Number(eightDigits[index]), 0)
  return String((10 - (sum % 10)) % 10)
}

/** An ABA routing transit number: nine digits with a valid check digit. */
export const RoutingNumber = Schema.String.pipe(
  Schema.pattern(/^\d{9}$/),
  Schema.filter(hasAbaChecksum, { message: () => "must end in a valid ABA check digit" })
).annotations({
  identifier: "RoutingNumber",
  arbitrary: () => () =>
    FastCheck.tuple(FastCheck.constantFrom(...routingPrefixes), digits(6)).map(([prefix, middle]) => {
      const eight = `${prefix}${middle}`
      return `${eight}${checkDigit(eight)}`
    })
})

export const AccountNumber = Schema.String.pipe(Schema.pattern(/^\d{4,17}$/)).annotations({
  identifier: "AccountNumber",
  arbitrary: () => () => FastCheck.integer({ min: 8, max: 12 }).chain(digits)
})
