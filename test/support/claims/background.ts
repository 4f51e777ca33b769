import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { Line, optional } from "./fields.ts"
import { trainingPrograms, unionNames } from "./vocabulary.ts"

/** OMB race categories, of which a claimant may choose several or none. */
export const Race = Schema.Literal(
  "american-indian-or-alaska-native",
  "asian",
  "black-or-african-american",
  "native-hawaiian-or-other-pacific-islander",
  "white",
  "decline-to-answer"
)

/** Answers are voluntary: each may be absent or `decline-to-answer`. */
export const Demographics = Schema.Struct({
  gender: optional(Schema.Literal("female", "male", "nonbinary", "decline-to-answer")),
  ethnicity: optional(Schema.Literal("hispanic-or-latino", "not-hispanic-or-latino", "decline-to-answer")),
  race: optional(
    Schema.Array(Race).pipe(Schema.maxItems(6)).annotations({
      arbitrary: () => () => FastCheck.uniqueArray(FastCheck.constantFrom(...Race.literals), { minLength: 1, maxLength: 2 })
    })
  )
}).annotations({ identifier: "Demographics" })

export const HighestGrade = Schema.Literal(
  "less-than-high-school",
  "high-school-diploma",
  "ged",
  "vocational-certificate",
  "some-college",
  "associate-degree",
  "bachelor-degree",
  "master-degree",
  "doctorate"
)

const Training = Schema.Struct({
  enrolled: optional(Schema.Boolean),
  programName: optional(Line),
  /** Whether the state agency approved the training program. */
  approvedByState: optional(Schema.Boolean)
})

/** Training details appear only for an enrolled claimant. */
const trainingArbitrary: FastCheck.Arbitrary<typeof Training.Type> = FastCheck.oneof(
  FastCheck.constant({ enrolled: false }),
  FastCheck.record({
    enrolled: FastCheck.constant(true),
    programName: FastCheck.constantFrom(...trainingPrograms),
    approvedByState: FastCheck.boolean()
  })
)

export const Education = Schema.Struct({
  highestGrade: optional(HighestGrade),
  training: optional(Training)
}).annotations({
  identifier: "Education",
  arbitrary: () => () =>
    FastCheck.record({ highestGrade: FastCheck.constantFrom(...HighestGrade.literals), training: trainingArbitrary })
})

export const UnionMembership = Schema.Struct({
  member: optional(Schema.Boolean),
  unionName: optional(Line),
  localNumber: optional(Schema.String.pipe(Schema.pattern(/^\d{1,5}[A-Z]?$/))),
  /** Whether the claimant finds work only through the union's hiring hall. */
  hiringHall: optional(Schema.Boolean)
}).annotations({
  identifier: "UnionMembership",
  arbitrary: () => () =>
    FastCheck.oneof(
      { weight: 4, arbitrary: FastCheck.record({ member: FastCheck.constant(false) }) },
      {
        weight: 1,
        arbitrary: FastCheck.record({
          member: FastCheck.constant(true),
          unionName: FastCheck.constantFrom(...unionNames),
          localNumber: FastCheck.integer({ min: 1, max: 2000 }).map(String),
          hiringHall: FastCheck.boolean()
        })
      }
    )
})
