import { Duration, Effect } from "effect"
import { InvalidOption } from "./cliErrors.ts"

const units: Record<string, Duration.Duration> = {
  s: Duration.seconds(1),
  m: Duration.minutes(1),
  h: Duration.hours(1),
  d: Duration.days(1)
}

const pattern = /^(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)$/

/**
 * Parses a duration such as `90s`, `15m`, `1h`, `2 days`: a whole number and a unit. Returns
 * the duration, or an error naming `option` that states the accepted forms and `max`.
 */
export const parseDurationOption = (
  option: string,
  text: string,
  max: Duration.Duration
): Effect.Effect<Duration.Duration, InvalidOption> => {
  const match = pattern.exec(text.trim())
  const amount = match === null ? 0 : Number(match[1])
  const unit = match === null ? undefined : units[match[2]!.charAt(0)]
  const rule = `it must be a whole number with a unit s, m, h or d (e.g. 30m, 1h), more than zero and at most ${Duration.format(max)}`

  if (unit === undefined || amount <= 0) return Effect.fail(new InvalidOption({ option, rule }))
  const duration = Duration.times(unit, amount)
  return Duration.greaterThan(duration, max) ? Effect.fail(new InvalidOption({ option, rule })) : Effect.succeed(duration)
}
