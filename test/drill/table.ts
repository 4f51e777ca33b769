import type { ScenarioRow } from "./runner.ts"
import type { DrillTimings } from "./stack.ts"

const columns: ReadonlyArray<{ readonly title: string; readonly cell: (row: ScenarioRow) => string }> = [
  { title: "scenario", cell: (row) => row.scenario },
  { title: "attempted", cell: (row) => String(row.attempted) },
  { title: "acked", cell: (row) => String(row.acknowledged) },
  { title: "durable", cell: (row) => String(row.durable) },
  { title: "lost", cell: (row) => String(row.lost) },
  { title: "rolled back", cell: (row) => String(row.rolledBack) },
  { title: "503s", cell: (row) => String(row.unavailable) },
  { title: "reloads", cell: (row) => String(row.resyncs) },
  { title: "errors", cell: (row) => String(row.errors.length) },
  { title: "claimants s/d/x", cell: (row) => `${row.claimants.submitted}/${row.claimants.deleted}/${row.claimants.stopped}` },
  { title: "drained", cell: (row) => (row.drainedSeconds === undefined ? "no" : `${row.drainedSeconds.toFixed(1)} s`) },
  { title: "time", cell: (row) => `${row.seconds.toFixed(1)} s` }
]

/** Formats the rows as a Markdown table with aligned columns, so it reads the same in a terminal and in docs. */
export const formatTable = (rows: ReadonlyArray<ScenarioRow>): string => {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)))
  const widths = columns.map((column, index) => Math.max(column.title.length, ...cells.map((line) => (line[index] ?? "").length)))
  const line = (values: ReadonlyArray<string>) =>
    `| ${values.map((value, index) => (index === 0 ? value.padEnd(widths[index] ?? 0) : value.padStart(widths[index] ?? 0))).join(" | ")} |`
  const rule = `|${widths.map((width, index) => (index === 0 ? `-${"-".repeat(width)}-` : `-${"-".repeat(width)}:`)).join("|")}|`

  return [line(columns.map((column) => column.title)), rule, ...cells.map(line)].join("\n")
}

/** Lists the notes, problems and errors of each scenario, indented under its name. */
export const formatDetails = (rows: ReadonlyArray<ScenarioRow>): string =>
  rows
    .map((row) =>
      [
        `${row.scenario}:`,
        ...row.notes.map((note) => `  ${note}`),
        ...row.problems.map((problem) => `  problem: ${problem}`),
        ...row.errors.map((error) => `  error: ${error}`)
      ].join("\n")
    )
    .join("\n")

export const describeTimings = (timings: DrillTimings): string =>
  [
    `write-behind: debounce ${timings.persistDebounceMillis} ms, max delay ${timings.persistMaxDelayMillis} ms,`,
    `lease ${timings.persistLeaseMillis} ms, poll 500 ms; a data key seals ${timings.dataKeyMaxMessages} saves`
  ].join(" ")
