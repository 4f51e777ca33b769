import * as FastCheck from "effect/FastCheck"
import { commentSentences } from "./comments.ts"

const millisPerDay = 86_400_000

const dayNumber = (isoDate: string): number => Date.parse(`${isoDate}T00:00:00Z`) / millisPerDay

const isoDateOfDay = (day: number): string => new Date(day * millisPerDay).toISOString().slice(0, 10)

/** Calendar dates from `from` to `to` inclusive, both YYYY-MM-DD. */
export const isoDateBetween = (from: string, to: string): FastCheck.Arbitrary<string> =>
  FastCheck.integer({ min: dayNumber(from), max: dayNumber(to) }).map(isoDateOfDay)

export const addDays = (isoDate: string, days: number): string => isoDateOfDay(dayNumber(isoDate) + days)

/** Strings of exactly `length` decimal digits, leading zeros included. */
export const digits = (length: number): FastCheck.Arbitrary<string> =>
  FastCheck.array(FastCheck.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((values) =>
    values.join("")
  )

/** Dollar amounts in whole cents, from `min` to `max` dollars. */
export const dollarsBetween = (min: number, max: number): FastCheck.Arbitrary<number> =>
  FastCheck.integer({ min: Math.round(min * 100), max: Math.round(max * 100) }).map((cents) => cents / 100)

/** Free text of `min` to `max` sentences drawn from the multilingual comment pool. */
export const sentences = (min: number, max: number): FastCheck.Arbitrary<string> =>
  FastCheck.array(FastCheck.constantFrom(...commentSentences), { minLength: min, maxLength: max }).map((picked) =>
    picked.join(" ")
  )

/** Booleans that equal `value` nine times in ten, as most claimants answer. */
export const mostly = (value: boolean): FastCheck.Arbitrary<boolean> =>
  FastCheck.oneof({ weight: 9, arbitrary: FastCheck.constant(value) }, { weight: 1, arbitrary: FastCheck.constant(!value) })
