/** Sizes, counts and durations of one run; `quick` keeps every entry but shrinks each. */
export interface Settings {
  readonly mode: "quick" | "full"
  /** Document sizes of the save and load comparisons, in bytes. */
  readonly sizes: ReadonlyArray<number>
  readonly concurrencies: ReadonlyArray<number>
  /** Warm-up per side, then `rounds` alternating batches per side, in milliseconds. */
  readonly warmupMillis: number
  readonly batchMillis: number
  readonly rounds: number
  /** Full garbage collection before each batch, so one side's garbage is not collected in the other's time. */
  readonly collectGarbage: boolean
  /** Saves and hot reads counted at the KMS server; results are scaled to 10,000. */
  readonly kmsOperations: number
  /** Drafts restored per batch of the restore comparison. */
  readonly restoreDrafts: number
  /** Seal-and-open operations per timed block of the envelope comparisons. */
  readonly envelopeBlock: number
  readonly envelopeRounds: number
  /** Saves over a bounded set of drafts in the memory run, and the size of that set. */
  readonly memorySaves: number
  readonly memoryWarmupSaves: number
  readonly memoryDrafts: number
  /** Pending bound of the S3-outage run, low enough to be reached within seconds. */
  readonly outagePendingLimit: number
  readonly outageMillis: number
}

export const quickSettings: Settings = {
  mode: "quick",
  sizes: [1024, 4096, 65536],
  concurrencies: [1, 16, 64],
  warmupMillis: 60,
  batchMillis: 80,
  rounds: 2,
  collectGarbage: false,
  kmsOperations: 1_000,
  restoreDrafts: 32,
  envelopeBlock: 500,
  envelopeRounds: 4,
  memorySaves: 5_000,
  memoryWarmupSaves: 1_000,
  memoryDrafts: 128,
  outagePendingLimit: 160,
  outageMillis: 1_500
}

export const fullSettings: Settings = {
  mode: "full",
  sizes: [1024, 4096, 65536],
  concurrencies: [1, 16, 64],
  warmupMillis: 500,
  batchMillis: 400,
  rounds: 8,
  collectGarbage: true,
  kmsOperations: 10_000,
  restoreDrafts: 200,
  envelopeBlock: 5_000,
  envelopeRounds: 10,
  memorySaves: 1_000_000,
  memoryWarmupSaves: 50_000,
  memoryDrafts: 1_000,
  outagePendingLimit: 1_600,
  outageMillis: 8_000
}

/** The alternating plan of the closed-loop comparisons at one concurrency. */
export const planFor = (settings: Settings, concurrency: number) => ({
  concurrency,
  warmup: { durationMillis: settings.warmupMillis },
  batch: { durationMillis: settings.batchMillis },
  rounds: settings.rounds,
  collectGarbage: settings.collectGarbage
})
