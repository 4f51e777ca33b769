import { type LatencySummary, ratio, Samples, summarize } from "./stats.ts"

/**
 * A request that failed because a tier was unavailable, such as a Redis command that timed
 * out on an overloaded machine. The load generator counts it instead of stopping, because a
 * slow shared machine must not fail the run; every other error stops the batch.
 */
export class Unavailable extends Error {
  override readonly name = "Unavailable"
}

/** One request of a side; `worker` is 0 to concurrency - 1, `index` counts the batch's requests. */
export type Operation = (worker: number, index: number) => Promise<unknown>

/** A batch either runs for a time or performs a fixed number of requests shared among the workers. */
export type BatchLimit = { readonly durationMillis: number } | { readonly iterations: number }

export interface BatchResult {
  readonly operations: number
  readonly elapsedMillis: number
  /** CPU time of this process (user + system, all threads) during the batch. */
  readonly cpuMillis: number
  /** Requests that failed with `Unavailable`; they have no latency sample. */
  readonly unavailable: number
  readonly samples: Samples
}

/** CPU time this process used since `since`, in milliseconds. */
const cpuMillisSince = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1000
}

/** Forces a full collection when Node runs with --expose-gc, so one batch's garbage is not collected in the next. */
export const collectGarbage = (): void => {
  ;(globalThis as { gc?: () => void }).gc?.()
}

/**
 * Runs a closed loop: `concurrency` workers each send a request, wait for its response and
 * send the next, until the limit is reached or `signal` aborts. Every request's latency is
 * recorded. A request that fails stops all workers and rejects the batch.
 */
export const runBatch = async (
  operation: Operation,
  concurrency: number,
  limit: BatchLimit,
  signal?: AbortSignal
): Promise<BatchResult> => {
  const samples = new Samples()
  let issued = 0
  let unavailable = 0
  let failure: { readonly error: unknown } | undefined

  const cpuStart = process.cpuUsage()
  const started = performance.now()
  const withinLimit =
    "durationMillis" in limit
      ? () => performance.now() - started < limit.durationMillis
      : () => issued < limit.iterations
  const more = () => signal?.aborted !== true && withinLimit()

  const worker = async (id: number) => {
    while (failure === undefined && more()) {
      const index = issued++
      const begin = performance.now()
      try {
        await operation(id, index)
      } catch (error) {
        if (error instanceof Unavailable) {
          unavailable++
          continue
        }
        failure ??= { error }
        return
      }
      samples.add(performance.now() - begin)
    }
  }

  await Promise.all(Array.from({ length: concurrency }, (_, id) => worker(id)))
  const elapsedMillis = performance.now() - started
  const cpuMillis = cpuMillisSince(cpuStart)
  if (failure !== undefined) throw failure.error
  return { operations: samples.count, elapsedMillis, cpuMillis, unavailable, samples }
}

/** One side of a comparison. */
export interface Side {
  readonly label: string
  readonly operation: Operation
  /** Runs before each of this side's batches, outside the timed part (e.g. emptying a cache). */
  readonly beforeBatch?: () => Promise<void>
}

export interface ComparisonPlan {
  readonly concurrency: number
  /** Each side's warm-up, run once and discarded. */
  readonly warmup: BatchLimit
  readonly batch: BatchLimit
  /** Batches per side; the sides alternate, and every other round starts with the baseline. */
  readonly rounds: number
  /** Runs a full garbage collection before each batch (needs --expose-gc). */
  readonly collectGarbage: boolean
}

export interface SideResult {
  readonly label: string
  readonly operations: number
  readonly seconds: number
  readonly throughputPerSecond: number
  /**
   * CPU time of this process per operation in microseconds: the client and library side
   * only, not the servers. Unlike wall time it barely depends on what else the machine runs.
   */
  readonly cpuMicrosPerOperation: number
  /** Requests that failed as unavailable, not counted in `operations`. */
  readonly unavailable: number
  readonly latency: LatencySummary
}

export interface Comparison {
  readonly ours: SideResult
  readonly baseline: SideResult
  /** Throughput ratio (ours / baseline) of each round, whose spread shows the run's noise. */
  readonly roundRatios: ReadonlyArray<number>
}

const sideResult = (label: string, batches: ReadonlyArray<BatchResult>): SideResult => {
  const samples = new Samples()
  let operations = 0
  let elapsedMillis = 0
  let cpuMillis = 0
  let unavailable = 0
  for (const batch of batches) {
    samples.addAll(batch.samples)
    operations += batch.operations
    elapsedMillis += batch.elapsedMillis
    cpuMillis += batch.cpuMillis
    unavailable += batch.unavailable
  }
  return {
    label,
    operations,
    seconds: elapsedMillis / 1000,
    throughputPerSecond: ratio(operations * 1000, elapsedMillis),
    cpuMicrosPerOperation: ratio(cpuMillis * 1000, operations),
    unavailable,
    latency: summarize(samples)
  }
}

const timedBatch = async (side: Side, plan: ComparisonPlan, limit: BatchLimit, signal?: AbortSignal): Promise<BatchResult> => {
  await side.beforeBatch?.()
  if (plan.collectGarbage) collectGarbage()
  return runBatch(side.operation, plan.concurrency, limit, signal)
}

/**
 * Measures two sides under the same load, alternating their batches (A B, B A, A B, ...) so
 * that drift of a shared, noisy machine (other processes, CPU frequency, the Redis server's
 * state) falls on both sides alike. An aborted `signal` stops the workers and rejects.
 */
export const compare = async (ours: Side, baseline: Side, plan: ComparisonPlan, signal?: AbortSignal): Promise<Comparison> => {
  await timedBatch(ours, plan, plan.warmup, signal)
  await timedBatch(baseline, plan, plan.warmup, signal)

  const oursBatches: Array<BatchResult> = []
  const baselineBatches: Array<BatchResult> = []
  const roundRatios: Array<number> = []
  for (let round = 0; round < plan.rounds; round++) {
    signal?.throwIfAborted()
    const oursFirst = round % 2 === 0
    const first = await timedBatch(oursFirst ? ours : baseline, plan, plan.batch, signal)
    const second = await timedBatch(oursFirst ? baseline : ours, plan, plan.batch, signal)
    const [oursBatch, baselineBatch] = oursFirst ? [first, second] : [second, first]

    oursBatches.push(oursBatch)
    baselineBatches.push(baselineBatch)
    roundRatios.push(
      ratio(oursBatch.operations / oursBatch.elapsedMillis, baselineBatch.operations / baselineBatch.elapsedMillis)
    )
  }

  return {
    ours: sideResult(ours.label, oursBatches),
    baseline: sideResult(baseline.label, baselineBatches),
    roundRatios
  }
}

/** A side measured in blocks of back-to-back operations, for operations too short to time one by one. */
export interface BlockSide {
  readonly label: string
  /** Performs `operations` operations one after another. */
  readonly run: (operations: number) => Promise<void>
}

export interface BlockResult {
  readonly label: string
  readonly operations: number
  readonly seconds: number
  readonly throughputPerSecond: number
  /** Mean wall time of one operation in microseconds. */
  readonly meanMicros: number
  /** Mean CPU time of one operation in microseconds (this process, all threads). */
  readonly cpuMicros: number
}

export interface BlockComparison {
  readonly ours: BlockResult
  readonly baseline: BlockResult
  readonly roundRatios: ReadonlyArray<number>
}

interface BlockTime {
  readonly millis: number
  readonly cpuMillis: number
}

const timedBlock = async (side: BlockSide, operations: number, collect: boolean): Promise<BlockTime> => {
  if (collect) collectGarbage()
  const cpuStart = process.cpuUsage()
  const started = performance.now()
  await side.run(operations)
  return { millis: performance.now() - started, cpuMillis: cpuMillisSince(cpuStart) }
}

const blockResult = (label: string, operations: number, time: BlockTime): BlockResult => ({
  label,
  operations,
  seconds: time.millis / 1000,
  throughputPerSecond: ratio(operations * 1000, time.millis),
  meanMicros: ratio(time.millis * 1000, operations),
  cpuMicros: ratio(time.cpuMillis * 1000, operations)
})

/** Times alternating blocks of `block` operations per side, after one warm-up block each. */
export const compareBlocks = async (
  ours: BlockSide,
  baseline: BlockSide,
  plan: { readonly block: number; readonly rounds: number; readonly collectGarbage: boolean }
): Promise<BlockComparison> => {
  await timedBlock(ours, plan.block, plan.collectGarbage)
  await timedBlock(baseline, plan.block, plan.collectGarbage)

  const oursTotal = { millis: 0, cpuMillis: 0 }
  const baselineTotal = { millis: 0, cpuMillis: 0 }
  const roundRatios: Array<number> = []
  for (let round = 0; round < plan.rounds; round++) {
    const oursFirst = round % 2 === 0
    const first = await timedBlock(oursFirst ? ours : baseline, plan.block, plan.collectGarbage)
    const second = await timedBlock(oursFirst ? baseline : ours, plan.block, plan.collectGarbage)
    const [oursTime, baselineTime] = oursFirst ? [first, second] : [second, first]
    oursTotal.millis += oursTime.millis
    oursTotal.cpuMillis += oursTime.cpuMillis
    baselineTotal.millis += baselineTime.millis
    baselineTotal.cpuMillis += baselineTime.cpuMillis
    roundRatios.push(ratio(oursTime.cpuMillis, baselineTime.cpuMillis))
  }

  const operations = plan.block * plan.rounds
  return {
    ours: blockResult(ours.label, operations, oursTotal),
    baseline: blockResult(baseline.label, operations, baselineTotal),
    roundRatios
  }
}
