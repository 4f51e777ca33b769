import { writeFile } from "node:fs/promises"
import type { Comparison, SideResult } from "./loadGenerator.ts"
import type { MachineInfo } from "./machine.ts"
import { ratio } from "./stats.ts"

/** Measured figures of one side, rounded for reading. */
export interface SideFigures {
  readonly label: string
  readonly iterations: number
  readonly seconds: number
  readonly throughputPerSecond: number
  /** CPU time of the benchmark process per operation (client and library, not the servers). */
  readonly cpuMicrosPerOperation: number
  /** Requests that failed because a tier was unavailable (e.g. a Redis command timeout). */
  readonly unavailable: number
  readonly meanMillis: number
  readonly p50Millis: number
  readonly p99Millis: number
  readonly maxMillis: number
}

/** One measured configuration of an entry: both sides, their ratios, or plain measured values. */
export interface Row {
  readonly payloadBytes: number | null
  readonly concurrency: number | null
  readonly ours?: SideFigures
  readonly baseline?: SideFigures
  /** ours / baseline: above 1 is better for throughput, below 1 is better for latency. */
  readonly ratios?: Readonly<Record<string, number>>
  /** Throughput ratio of each round of alternating batches. */
  readonly roundRatios?: ReadonlyArray<number>
  readonly values?: Readonly<Record<string, number | string | boolean>>
}

export interface TargetResult {
  readonly description: string
  readonly measured: number
  readonly operator: "<=" | ">=" | "<" | "=="
  readonly threshold: number
  readonly met: boolean
}

export interface Entry {
  readonly key: string
  readonly title: string
  readonly rows: ReadonlyArray<Row>
  readonly targets: ReadonlyArray<TargetResult>
  readonly notes: ReadonlyArray<string>
  /** Set when the entry failed to run; its rows are then incomplete. */
  readonly error?: string
  /** Wall-clock time the entry took, set by the runner. */
  readonly seconds?: number
}

export interface Report {
  readonly command: string
  readonly mode: "quick" | "full"
  readonly startedAt: string
  readonly finishedAt: string
  readonly machine: MachineInfo
  readonly entries: Readonly<Record<string, Entry>>
}

const round = (value: number, digits: number): number =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : value

export const sideFigures = (side: SideResult): SideFigures => ({
  label: side.label,
  iterations: side.operations,
  seconds: round(side.seconds, 3),
  throughputPerSecond: round(side.throughputPerSecond, 1),
  cpuMicrosPerOperation: round(side.cpuMicrosPerOperation, 1),
  unavailable: side.unavailable,
  meanMillis: round(side.latency.meanMillis, 4),
  p50Millis: round(side.latency.p50Millis, 4),
  p99Millis: round(side.latency.p99Millis, 4),
  maxMillis: round(side.latency.maxMillis, 4)
})

/** A row with both sides of a comparison and the throughput, p50 and p99 ratios. */
export const comparisonRow = (payloadBytes: number | null, concurrency: number, comparison: Comparison): Row => ({
  payloadBytes,
  concurrency,
  ours: sideFigures(comparison.ours),
  baseline: sideFigures(comparison.baseline),
  ratios: {
    throughput: round(ratio(comparison.ours.throughputPerSecond, comparison.baseline.throughputPerSecond), 3),
    p50: round(ratio(comparison.ours.latency.p50Millis, comparison.baseline.latency.p50Millis), 3),
    p99: round(ratio(comparison.ours.latency.p99Millis, comparison.baseline.latency.p99Millis), 3),
    cpu: round(ratio(comparison.ours.cpuMicrosPerOperation, comparison.baseline.cpuMicrosPerOperation), 3)
  },
  roundRatios: comparison.roundRatios.map((value) => round(value, 3))
})

/** Checks a measured value against its target; NaN never meets one. */
export const target = (
  description: string,
  measured: number,
  operator: TargetResult["operator"],
  threshold: number
): TargetResult => {
  const met =
    operator === "<=" ? measured <= threshold
      : operator === ">=" ? measured >= threshold
        : operator === "<" ? measured < threshold
          : measured === threshold
  return { description, measured: round(measured, 4), operator, threshold, met }
}

const formatNumber = (value: number): string => {
  if (!Number.isFinite(value)) return String(value)
  const magnitude = Math.abs(value)
  if (magnitude >= 1000) return Math.round(value).toString()
  if (magnitude >= 100) return value.toFixed(1)
  if (magnitude >= 1) return value.toFixed(2)
  return value.toFixed(3)
}

const formatBytes = (bytes: number | null): string => {
  if (bytes === null) return "-"
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`
}

const pad = (cells: ReadonlyArray<string>, widths: ReadonlyArray<number>): string =>
  cells.map((cell, index) => (index < 2 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join("  ")

const comparisonHeader = [
  "payload", "conc", "ours/s", "base/s", "thr", "ours p50", "base p50", "p50", "ours p99", "base p99", "p99", "ours cpu", "base cpu", "cpu"
]

const comparisonCells = (row: Row, ours: SideFigures, baseline: SideFigures): Array<string> => [
  formatBytes(row.payloadBytes),
  row.concurrency === null ? "-" : String(row.concurrency),
  formatNumber(ours.throughputPerSecond),
  formatNumber(baseline.throughputPerSecond),
  formatNumber(row.ratios?.throughput ?? Number.NaN),
  formatNumber(ours.p50Millis),
  formatNumber(baseline.p50Millis),
  formatNumber(row.ratios?.p50 ?? Number.NaN),
  formatNumber(ours.p99Millis),
  formatNumber(baseline.p99Millis),
  formatNumber(row.ratios?.p99 ?? Number.NaN),
  formatNumber(ours.cpuMicrosPerOperation),
  formatNumber(baseline.cpuMicrosPerOperation),
  formatNumber(row.ratios?.cpu ?? Number.NaN)
]

const valueLine = (row: Row): string => {
  const parts = Object.entries(row.values ?? {}).map(([name, value]) =>
    `${name}=${typeof value === "number" ? formatNumber(value) : String(value)}`
  )
  const where = [row.payloadBytes === null ? undefined : formatBytes(row.payloadBytes), row.concurrency === null ? undefined : `c=${row.concurrency}`]
    .filter((part) => part !== undefined)
    .join(" ")
  return `  ${where === "" ? "" : `[${where}] `}${parts.join("  ")}`
}

/**
 * Renders the entries as plain-text tables: throughput per second, latencies in ms, CPU time
 * of the benchmark process per operation in µs, and each ratio as ours / baseline.
 */
export const renderTable = (entries: ReadonlyArray<Entry>): string => {
  const lines: Array<string> = []
  for (const entry of entries) {
    const took = entry.seconds === undefined ? "" : ` (${entry.seconds.toFixed(1)} s)`
    lines.push("", `${entry.key}: ${entry.title}${took}`)
    if (entry.error !== undefined) lines.push(`  FAILED: ${entry.error}`)

    const compared = entry.rows.filter((row) => row.ours !== undefined && row.baseline !== undefined)
    if (compared.length > 0) {
      const first = compared[0]!
      lines.push(`  ours = ${first.ours!.label}; base = ${first.baseline!.label}`)
      const table = [comparisonHeader, ...compared.map((row) => comparisonCells(row, row.ours!, row.baseline!))]
      const widths = comparisonHeader.map((_, column) => Math.max(...table.map((cells) => cells[column]!.length)))
      for (const cells of table) lines.push(`  ${pad(cells, widths)}`)
      for (const row of compared.filter((row) => row.ours!.unavailable + row.baseline!.unavailable > 0)) {
        lines.push(
          `  [${formatBytes(row.payloadBytes)} c=${row.concurrency}] failed as unavailable: ours ${row.ours!.unavailable}, base ${row.baseline!.unavailable}`
        )
      }
    }
    for (const row of entry.rows.filter((row) => row.values !== undefined)) lines.push(valueLine(row))

    for (const result of entry.targets) {
      lines.push(
        `  target ${result.met ? "met    " : "MISSED "} ${result.description}: ${formatNumber(result.measured)} ${result.operator} ${result.threshold}`
      )
    }
    for (const note of entry.notes) lines.push(`  note: ${note}`)
  }
  return lines.join("\n")
}

export const writeReport = (path: string, report: Report): Promise<void> =>
  writeFile(path, `${JSON.stringify(report, null, 2)}\n`, "utf8")

const runStarted = performance.now()

/** Prints a progress line with the seconds since the run started. */
export const progress = (text: string): void => {
  console.log(`  [${((performance.now() - runStarted) / 1000).toFixed(1)} s] ${text}`)
}
