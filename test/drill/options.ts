import { parseArgs } from "node:util"
import { scenarios } from "./scenarios.ts"

/** The claim form has 12 pages, so a claimant cannot fill more. */
const maxPages = 12

const scenarioNames = scenarios.map((scenario) => scenario.name)

export const usage = `usage: npm run drill -- [--claimants N] [--pages N] [--seed N] [--only NAME,NAME]

Runs each failure scenario against its own redis-server, s3rver and KMS test server on
127.0.0.1, with simulated claimants saving their claims page by page, and prints one row per
scenario. Exits 0 when no durable version was lost, 1 when a version was lost, a check failed
or a scenario crashed, and 2 on invalid options.

  --claimants N   claimants per scenario, a whole number of at least 1 (default 20)
  --pages N       pages each claimant fills, 1 to ${maxPages} (default ${maxPages})
  --seed N        seed of the first claimant's random choices, at least 1 (default 1)
  --only NAMES    comma-separated scenarios to run (default all): ${scenarioNames.join(", ")}
  --help          print this help and exit`

export interface DrillWorkloadOptions {
  readonly claimants: number
  readonly pages: number
  readonly seed: number
  /** Scenario names to run, or undefined for all of them. */
  readonly only: ReadonlyArray<string> | undefined
}

export type DrillCommand =
  | { readonly _tag: "Help" }
  | { readonly _tag: "Run"; readonly options: DrillWorkloadOptions }
  | { readonly _tag: "Invalid"; readonly message: string }

const stringOptions = ["claimants", "pages", "seed", "only"]

const defaults: Record<string, string> = { claimants: "20", pages: String(maxPages), seed: "1" }

const invalid = (message: string): DrillCommand => ({ _tag: "Invalid", message })

/** Reads a whole number from `min` to `max`, returning an error message for any other text. */
const readWhole = (name: string, text: string, min: number, max: number): number | string => {
  const value = Number(text)
  const range = max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`
  if (text.trim() === "" || !Number.isSafeInteger(value) || value < min || value > max) {
    return `--${name} is invalid: "${text}" is not ${range}; pass for example --${name} ${defaults[name]}`
  }
  return value
}

/**
 * Parses the drill's arguments. Unknown options, positional arguments and invalid values
 * become an `Invalid` command with one line naming the option, the rule and the fix, so
 * `main.ts` can print it without a stack trace.
 */
export const parseDrillArgs = (args: ReadonlyArray<string>): DrillCommand => {
  // strict: false keeps parseArgs from throwing, so each problem gets its own message below.
  const { tokens } = parseArgs({
    args: [...args],
    strict: false,
    tokens: true,
    options: {
      claimants: { type: "string" },
      pages: { type: "string" },
      seed: { type: "string" },
      only: { type: "string" },
      help: { type: "boolean" }
    }
  })

  const texts: Record<string, string> = { ...defaults }
  let help = false
  for (const token of tokens) {
    if (token.kind === "positional") {
      return invalid(`unexpected argument "${token.value}": the drill takes only options such as --claimants 20`)
    }
    if (token.kind !== "option") continue

    if (token.name === "help") {
      if (token.value !== undefined) return invalid(`${token.rawName} takes no value; pass it alone`)
      help = true
      continue
    }
    if (!stringOptions.includes(token.name)) {
      return invalid(`unknown option ${token.rawName}: the drill accepts --claimants, --pages, --seed, --only and --help`)
    }
    // Without strict parsing, `--claimants --pages 3` would take "--pages" as the value.
    if (token.value === undefined || (token.inlineValue === false && token.value.startsWith("--"))) {
      return invalid(`${token.rawName} is missing its value; pass for example ${token.rawName} ${defaults[token.name] ?? "baseline"}`)
    }
    texts[token.name] = token.value
  }
  if (help) return { _tag: "Help" }

  const claimants = readWhole("claimants", texts.claimants!, 1, Number.MAX_SAFE_INTEGER)
  if (typeof claimants === "string") return invalid(claimants)
  const pages = readWhole("pages", texts.pages!, 1, maxPages)
  if (typeof pages === "string") return invalid(pages)
  const seed = readWhole("seed", texts.seed!, 1, Number.MAX_SAFE_INTEGER)
  if (typeof seed === "string") return invalid(seed)

  const only = texts.only?.split(",").map((name) => name.trim()).filter((name) => name !== "")
  if (only !== undefined && only.length === 0) {
    return invalid(`--only is empty: it must name at least one scenario, such as --only baseline`)
  }
  const unknown = only?.filter((name) => !scenarioNames.includes(name)) ?? []
  if (unknown.length > 0) {
    return invalid(`--only names unknown scenarios (${unknown.join(", ")}): use names from ${scenarioNames.join(", ")}`)
  }

  return { _tag: "Run", options: { claimants, pages, seed, only } }
}
