import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { AccountNumber, FirstName, IsoDate, LastName, Line, optional, RoutingNumber } from "./fields.ts"
import { mostly } from "./generators.ts"

const DirectDeposit = Schema.Struct({
  method: Schema.Literal("direct-deposit"),
  accountType: optional(Schema.Literal("checking", "savings")),
  routingNumber: optional(RoutingNumber),
  accountNumber: optional(AccountNumber)
}).annotations({
  arbitrary: () => () =>
    FastCheck.record({
      method: FastCheck.constant("direct-deposit" as const),
      accountType: FastCheck.constantFrom("checking" as const, "savings" as const),
      routingNumber: Arbitrary.make(RoutingNumber),
      accountNumber: Arbitrary.make(AccountNumber)
    })
})

/** The state mails a prepaid debit card, so nothing more is asked. */
const DebitCard = Schema.Struct({ method: Schema.Literal("debit-card") })

/** How benefits are paid. The claimant picks the method first, so it is the one required field. */
export const Payment = Schema.Union(DirectDeposit, DebitCard).annotations({ identifier: "Payment" })

/** Voluntary income tax withholding. Federal withholding is a flat 10% of each payment (IRS Form W-4V). */
export const Withholding = Schema.Struct({
  federalIncomeTax: optional(Schema.Boolean),
  stateIncomeTax: optional(Schema.Boolean)
}).annotations({
  identifier: "Withholding",
  arbitrary: () => () => FastCheck.record({ federalIncomeTax: FastCheck.boolean(), stateIncomeTax: FastCheck.boolean() })
})

/** The claimant's attestation on the review page. */
export const Certification = Schema.Struct({
  /** The claimant read the warning about penalties for false statements. */
  acknowledgedPenalties: optional(Schema.Boolean),
  signature: optional(Line),
  signedOn: optional(IsoDate)
}).annotations({
  identifier: "Certification",
  arbitrary: () => () =>
    FastCheck.record({
      acknowledgedPenalties: mostly(true),
      signature: FastCheck.tuple(Arbitrary.make(FirstName), Arbitrary.make(LastName)).map((names) => names.join(" ")),
      signedOn: Arbitrary.make(IsoDate)
    })
})
