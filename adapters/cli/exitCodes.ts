import { HelpDoc, ValidationError } from "@effect/cli"
import { ConfigError } from "effect"

/** Process exit codes; scripts may rely on them, and docs/cli.md lists the same table. */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  locked: 5,
  unavailable: 6,
  integrity: 7,
  setupIncomplete: 8,
  configuration: 9,
  /** 128 + SIGINT, as shells report a command stopped by Ctrl-C. */
  interrupted: 130
} as const

const codeByTag: Record<string, number> = {
  InvalidOption: ExitCode.usage,
  InvalidId: ExitCode.usage,
  InvalidDocument: ExitCode.usage,
  DraftTooLarge: ExitCode.usage,
  PreconditionRequired: ExitCode.usage,
  InvalidTokenLifetime: ExitCode.usage,
  DraftNotFound: ExitCode.notFound,
  PreconditionFailed: ExitCode.conflict,
  DraftSubmitted: ExitCode.conflict,
  DataDirLocked: ExitCode.locked,
  StoreUnavailable: ExitCode.unavailable,
  KeyUnavailable: ExitCode.unavailable,
  NotDurable: ExitCode.unavailable,
  IntegrityFailure: ExitCode.integrity,
  SetupIncomplete: ExitCode.setupIncomplete,
  BucketSetupFailed: ExitCode.setupIncomplete,
  KeyConfigError: ExitCode.configuration
}

/** Maps a command's failure to its exit code; a failure of any other kind is unexpected (1). */
export const exitCodeOf = (error: unknown): number => {
  if (ValidationError.isValidationError(error)) return ExitCode.usage
  if (ConfigError.isConfigError(error)) return ExitCode.configuration

  const tag = typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : ""
  return codeByTag[tag] ?? ExitCode.unexpected
}

const rows: ReadonlyArray<readonly [number, string]> = [
  [ExitCode.ok, "success"],
  [ExitCode.unexpected, "unexpected error (a bug: please report it with the message)"],
  [ExitCode.usage, "invalid usage or input: unknown option, invalid id, ETag or document, document too large"],
  [ExitCode.notFound, "no live draft with this id for this owner"],
  [ExitCode.conflict, "precondition failed: stale ETag, ETag of a draft that no longer exists, draft already exists, or draft already submitted"],
  [ExitCode.locked, "the data directory is locked by a running server or another command"],
  [ExitCode.unavailable, "a store or the key service is unavailable, or a write could not be made durable"],
  [ExitCode.integrity, "a stored draft failed its integrity check"],
  [ExitCode.setupIncomplete, "setup left protections missing or a setup step failed"],
  [ExitCode.configuration, "invalid configuration: an environment variable or the key file"],
  [ExitCode.interrupted, "interrupted by Ctrl-C or SIGTERM (serve then shuts down cleanly and exits 0)"]
]

/** The exit code table shown at the end of every `--help` page. */
export const exitCodesHelp: HelpDoc.HelpDoc = HelpDoc.sequence(
  HelpDoc.h1("EXIT CODES"),
  HelpDoc.p(rows.map(([code, meaning]) => `${String(code).padStart(3)}  ${meaning}`).join("\n"))
)
