import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { FirstName, IsoDate, LastName, Line, optional, PhoneNumber } from "./fields.ts"

export const PersonalName = Schema.Struct({
  first: optional(FirstName),
  middle: optional(FirstName),
  last: optional(LastName),
  /** Maiden names, former married names and aliases used at work. */
  otherNames: optional(Schema.Array(Line).pipe(Schema.maxItems(10)))
}).annotations({
  identifier: "PersonalName",
  arbitrary: () => () =>
    FastCheck.record(
      {
        first: Arbitrary.make(FirstName),
        middle: Arbitrary.make(FirstName),
        last: Arbitrary.make(LastName),
        otherNames: FastCheck.array(Arbitrary.make(LastName), { minLength: 1, maxLength: 2 })
      },
      { requiredKeys: ["first", "last"] }
    )
})

export const Phone = Schema.Struct({
  type: optional(Schema.Literal("mobile", "home", "work")),
  number: optional(PhoneNumber)
})

export const Phones = Schema.Array(Phone).pipe(Schema.maxItems(5)).annotations({
  arbitrary: () => () =>
    FastCheck.uniqueArray(
      FastCheck.record({ type: FastCheck.constantFrom("mobile", "home", "work"), number: Arbitrary.make(PhoneNumber) }),
      { minLength: 1, maxLength: 3, selector: (phone) => phone.type }
    )
})

export const Citizenship = Schema.Struct({
  status: optional(Schema.Literal("us-citizen", "us-national", "permanent-resident", "work-authorized")),
  /** Expiry of the work authorization document, for statuses that have one. */
  authorizationExpires: optional(IsoDate)
}).annotations({
  identifier: "Citizenship",
  arbitrary: () => () =>
    FastCheck.oneof(
      { weight: 16, arbitrary: FastCheck.record({ status: FastCheck.constant("us-citizen" as const) }) },
      { weight: 1, arbitrary: FastCheck.record({ status: FastCheck.constant("us-national" as const) }) },
      {
        weight: 3,
        arbitrary: FastCheck.record({
          status: FastCheck.constantFrom("permanent-resident" as const, "work-authorized" as const),
          authorizationExpires: Arbitrary.make(IsoDate)
        })
      }
    )
})
