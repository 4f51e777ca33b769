import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { IsoDate, Line, Money, optional } from "./fields.ts"
import { availabilityExplanations } from "./comments.ts"
import { dollarsBetween, isoDateBetween, mostly } from "./generators.ts"
import { pensionPayers } from "./vocabulary.ts"

const Severance = Schema.Struct({
  received: optional(Schema.Boolean),
  amount: optional(Money),
  paidOn: optional(IsoDate)
})

const Pension = Schema.Struct({
  receiving: optional(Schema.Boolean),
  /** Gross dollars a month. */
  monthlyAmount: optional(Money),
  payer: optional(Line)
})

/** Income that may reduce the weekly benefit. Amounts appear only after a yes. */
export const OtherIncome = Schema.Struct({
  severance: optional(Severance),
  pension: optional(Pension)
}).annotations({
  identifier: "OtherIncome",
  arbitrary: () => () =>
    FastCheck.record({
      severance: FastCheck.oneof(
        { weight: 3, arbitrary: FastCheck.constant({ received: false }) },
        {
          weight: 1,
          arbitrary: FastCheck.record({
            received: FastCheck.constant(true),
            amount: dollarsBetween(500, 40000),
            paidOn: isoDateBetween("2024-01-01", "2025-12-31")
          })
        }
      ),
      pension: FastCheck.oneof(
        { weight: 5, arbitrary: FastCheck.constant({ receiving: false }) },
        {
          weight: 1,
          arbitrary: FastCheck.record({
            receiving: FastCheck.constant(true),
            monthlyAmount: dollarsBetween(150, 4500),
            payer: FastCheck.constantFrom(...pensionPayers)
          })
        }
      )
    })
})

/** The eligibility questions. An explanation is present whenever an answer differs from the expected one. */
export const Availability = Schema.Struct({
  ableToWork: optional(Schema.Boolean),
  availableForWork: optional(Schema.Boolean),
  seekingWork: optional(Schema.Boolean),
  refusedWork: optional(Schema.Boolean),
  explanation: optional(Schema.String.pipe(Schema.maxLength(2000)))
}).annotations({
  identifier: "Availability",
  arbitrary: () => () =>
    FastCheck.record({
      ableToWork: mostly(true),
      availableForWork: mostly(true),
      seekingWork: mostly(true),
      refusedWork: mostly(false),
      explanation: FastCheck.constantFrom(...availabilityExplanations)
    })
      .map(({ explanation, ...answers }) => {
        const expected = answers.ableToWork && answers.availableForWork && answers.seekingWork && !answers.refusedWork
        return expected ? answers : { ...answers, explanation }
      })
})
