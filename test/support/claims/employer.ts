import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { Address, streetAddressIn } from "./address.ts"
import { Comments, IsoDate, Line, Money, optional, PhoneNumber, phoneNumberIn } from "./fields.ts"
import { addDays, dollarsBetween, isoDateBetween } from "./generators.ts"
import { cities, type CityRecord, employerNames } from "./vocabulary.ts"

/** Why the job ended, in the categories state UI forms ask a claimant to choose from. */
export const SeparationReason = Schema.Literal(
  "lack-of-work",
  "temporary-layoff",
  "reduction-in-hours",
  "business-closed",
  "end-of-contract",
  "quit",
  "discharged",
  "strike-or-lockout",
  "leave-of-absence",
  "still-employed"
)
export type SeparationReason = typeof SeparationReason.Type

export const PayRate = Schema.Struct({
  amount: optional(Money),
  per: optional(Schema.Literal("hour", "week", "month", "year"))
})

const EmployerFields = Schema.Struct({
  name: optional(Line),
  address: optional(Address),
  phone: optional(PhoneNumber),
  startDate: optional(IsoDate),
  /** Last day worked, absent while the claimant still works there. */
  endDate: optional(IsoDate),
  hoursPerWeek: optional(Schema.Number.pipe(Schema.greaterThan(0), Schema.lessThanOrEqualTo(168))),
  payRate: optional(PayRate),
  separationReason: optional(SeparationReason),
  recallExpected: optional(Schema.Boolean),
  comments: optional(Comments)
})
export type Employer = typeof EmployerFields.Type

const endsAfterStart = (employer: Employer): boolean =>
  employer.startDate === undefined || employer.endDate === undefined || employer.startDate <= employer.endDate

const payRateArbitrary = FastCheck.oneof(
  { weight: 4, arbitrary: FastCheck.record({ amount: dollarsBetween(7.25, 65), per: FastCheck.constant("hour" as const) }) },
  { weight: 1, arbitrary: FastCheck.record({ amount: dollarsBetween(500, 2500), per: FastCheck.constant("week" as const) }) },
  { weight: 1, arbitrary: FastCheck.record({ amount: dollarsBetween(28000, 140000), per: FastCheck.constant("year" as const) }) }
)

/** Reasons after which the employer may call the claimant back. */
const recallableReasons: ReadonlyArray<SeparationReason> = [
  "lack-of-work",
  "temporary-layoff",
  "reduction-in-hours",
  "strike-or-lockout",
  "leave-of-absence"
]

/** The reason decides the rest: only a layoff-like separation can end in a recall. */
const separationArbitrary = FastCheck.constantFrom(...SeparationReason.literals).chain((reason) =>
  FastCheck.record(
    {
      separationReason: FastCheck.constant(reason),
      recallExpected: recallableReasons.includes(reason) ? FastCheck.boolean() : FastCheck.constant(false),
      comments: Arbitrary.make(Comments)
    },
    { requiredKeys: ["separationReason", "recallExpected"] }
  )
)

/** A job whose phone number shares the area code of the workplace. */
const jobIn = (city: CityRecord) =>
  FastCheck.record({
    name: FastCheck.constantFrom(...employerNames),
    address: streetAddressIn(city),
    phone: phoneNumberIn(city.areaCode)
  })

const employerArbitrary: FastCheck.Arbitrary<Employer> = FastCheck.record({
  job: FastCheck.constantFrom(...cities).chain(jobIn),
  startDate: isoDateBetween("2008-01-01", "2025-06-30"),
  tenureDays: FastCheck.integer({ min: 14, max: 3650 }),
  hoursPerWeek: FastCheck.integer({ min: 8, max: 60 }),
  payRate: payRateArbitrary,
  separation: separationArbitrary
}).map(({ job, separation, startDate, tenureDays, ...terms }) => {
  const endDate = addDays(startDate, tenureDays)
  const lastDay = endDate > "2025-12-31" ? "2025-12-31" : endDate
  const dates = separation.separationReason === "still-employed" ? { startDate } : { startDate, endDate: lastDay }
  return { ...job, ...dates, ...terms, ...separation }
})

/** A past or current job. The employment page fills the job, and the separation page fills how it ended. */
export const Employer = EmployerFields.pipe(
  Schema.filter(endsAfterStart, { message: () => "endDate must not precede startDate" })
).annotations({ identifier: "Employer", arbitrary: () => () => employerArbitrary })

export const Employers = Schema.Array(Employer).pipe(Schema.maxItems(50)).annotations({
  arbitrary: () => () => FastCheck.array(employerArbitrary, { minLength: 1, maxLength: 4 })
})
