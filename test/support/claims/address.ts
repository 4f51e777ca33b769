import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { Line, optional, UsState, ZipCode } from "./fields.ts"
import { digits } from "./generators.ts"
import { cities, type CityRecord, streetNames, streetSuffixes, unitPrefixes } from "./vocabulary.ts"

const AddressFields = Schema.Struct({
  street: optional(Line),
  unit: optional(Line),
  city: optional(Line),
  state: optional(UsState),
  zip: optional(ZipCode)
})
export type Address = typeof AddressFields.Type

const zipIn = (city: CityRecord): FastCheck.Arbitrary<string> =>
  FastCheck.tuple(digits(2), FastCheck.option(digits(4), { nil: undefined })).map(([last, plusFour]) =>
    plusFour === undefined ? `${city.zipPrefix}${last}` : `${city.zipPrefix}${last}-${plusFour}`
  )

const stateOf = (city: CityRecord): typeof UsState.Type => Schema.decodeUnknownSync(UsState)(city.state)

/** A street address in `city`. About half of them carry a unit. */
export const streetAddressIn = (city: CityRecord): FastCheck.Arbitrary<Address> =>
  FastCheck.record(
    {
      street: FastCheck.tuple(
        FastCheck.integer({ min: 1, max: 19999 }),
        FastCheck.constantFrom(...streetNames),
        FastCheck.constantFrom(...streetSuffixes)
      ).map(([number, name, suffix]) => `${number} ${name} ${suffix}`),
      unit: FastCheck.tuple(FastCheck.constantFrom(...unitPrefixes), FastCheck.integer({ min: 1, max: 450 })).map(
        ([prefix, number]) => (prefix === "#" ? `#${number}` : `${prefix} ${number}`)
      ),
      city: FastCheck.constant(city.city),
      state: FastCheck.constant(stateOf(city)),
      zip: zipIn(city)
    },
    { requiredKeys: ["street", "city", "state", "zip"] }
  )

/** A post office box in `city`, as claimants give for mail. */
export const postOfficeBoxIn = (city: CityRecord): FastCheck.Arbitrary<Address> =>
  FastCheck.record({
    street: FastCheck.integer({ min: 1, max: 99999 }).map((box) => `PO Box ${box}`),
    city: FastCheck.constant(city.city),
    state: FastCheck.constant(stateOf(city)),
    zip: zipIn(city)
  })

/** The city record an address names, when the address is in the vocabulary. */
export const cityOf = (address: Address): CityRecord | undefined =>
  cities.find((city) => city.city === address.city && city.state === address.state)

export const Address = AddressFields.annotations({
  identifier: "Address",
  arbitrary: () => () => FastCheck.constantFrom(...cities).chain(streetAddressIn)
})
