/** Latency figures of one side, in milliseconds. */
export interface LatencySummary {
  readonly samples: number
  readonly meanMillis: number
  readonly p50Millis: number
  readonly p90Millis: number
  readonly p99Millis: number
  readonly maxMillis: number
}

/** A growable list of latency samples in milliseconds, stored without boxing. */
export class Samples {
  private values = new Float64Array(1024)
  private length = 0

  add(millis: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2)
      grown.set(this.values)
      this.values = grown
    }
    this.values[this.length++] = millis
  }

  addAll(other: Samples): void {
    for (const value of other.view()) this.add(value)
  }

  get count(): number {
    return this.length
  }

  view(): Float64Array {
    return this.values.subarray(0, this.length)
  }
}

/**
 * Returns the nearest-rank percentile `p` (0 to 100) of ascending `sorted` values: the
 * smallest value that at least p % of the samples do not exceed.
 */
export const percentile = (sorted: Float64Array, p: number): number => {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

export const summarize = (samples: Samples): LatencySummary => {
  const sorted = Float64Array.from(samples.view()).sort()
  let total = 0
  for (const value of sorted) total += value

  return {
    samples: sorted.length,
    meanMillis: sorted.length === 0 ? Number.NaN : total / sorted.length,
    p50Millis: percentile(sorted, 50),
    p90Millis: percentile(sorted, 90),
    p99Millis: percentile(sorted, 99),
    maxMillis: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!
  }
}

/** Returns `numerator / denominator`, or NaN when the denominator is zero or missing. */
export const ratio = (numerator: number, denominator: number): number =>
  denominator === 0 || !Number.isFinite(denominator) ? Number.NaN : numerator / denominator

/** Returns the median of the values, NaN for none. */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = Float64Array.from(values).sort()
  return sorted.length === 0 ? Number.NaN : percentile(sorted, 50)
}
