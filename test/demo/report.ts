/** One step of the demo as the table shows it; absent values print as "-". */
export interface StepRow {
  readonly step: string
  /** The HTTP status, or `exit N` for a process. */
  readonly status: string
  readonly seq?: number
  /** The tier a read was served from (`Claim-Drafts-Tier`); writes report none. */
  readonly tier?: string
  readonly durable?: boolean
  readonly millis: number
}

interface Column {
  readonly title: string
  readonly width: number
  readonly align: "left" | "right"
  readonly cell: (row: StepRow) => string
}

const dash = "-"

// Fixed widths, because rows print as the steps finish, before the longest cell is known.
const columns: ReadonlyArray<Column> = [
  { title: "step", width: 46, align: "left", cell: (row) => row.step },
  { title: "status", width: 7, align: "right", cell: (row) => row.status },
  // A seq is at least the save time in epoch milliseconds, which has 13 digits until the year 2286.
  { title: "seq", width: 13, align: "right", cell: (row) => (row.seq === undefined ? dash : String(row.seq)) },
  { title: "tier", width: 8, align: "left", cell: (row) => row.tier ?? dash },
  { title: "durable", width: 7, align: "left", cell: (row) => (row.durable === undefined ? dash : String(row.durable)) },
  { title: "ms", width: 7, align: "right", cell: (row) => String(Math.round(row.millis)) }
]

const formatLine = (cells: ReadonlyArray<string>): string =>
  cells
    .map((cell, index) => {
      const column = columns[index]
      if (column === undefined) return cell
      return column.align === "left" ? cell.padEnd(column.width) : cell.padStart(column.width)
    })
    .join("  ")
    .trimEnd()

export const formatHeader = (): string => {
  const titles = formatLine(columns.map((column) => column.title))
  const rule = columns.map((column) => "-".repeat(column.width)).join("  ")
  return `${titles}\n${rule}`
}

export const formatRow = (row: StepRow): string => formatLine(columns.map((column) => column.cell(row)))

/** A remark under the row it explains, such as a server log line. */
export const formatNote = (text: string): string => `    > ${text}`
