import { randomBytes } from "node:crypto"
import { Duration, Effect, Either, Option, Redacted, type Scope } from "effect"
import { Redis } from "ioredis"
import { clientOptions } from "../../adapters/redis/clientOptions.ts"
import { isStandalone, resolveOptions } from "../../adapters/redis/redisOptions.ts"
import type { DraftId, OwnerId } from "../../domain/ids.ts"
import { Create, type DraftRef, Replace } from "../../programs/model.ts"
import { claimOfSize } from "../support/claims/index.ts"
import { draftId, ownerId } from "../support/draftIds.ts"
import type { BenchEnvironment } from "./environment.ts"
import { Unavailable } from "./loadGenerator.ts"
import type { BenchStack } from "./stack.ts"

const documentCache = new Map<number, ReadonlyArray<string>>()

/** Variants of a realistic claim draft per size; saves cycle through them as a form's edits would. */
const variantsPerSize = 2

/** JSON texts of realistic claim drafts of at most `bytes` bytes each, generated once per size. */
export const documentsOfSize = (bytes: number): ReadonlyArray<string> => {
  const cached = documentCache.get(bytes)
  if (cached !== undefined) return cached
  const documents = Array.from({ length: variantsPerSize }, (_, seed) => claimOfSize(bytes, 1 + seed))
  documentCache.set(bytes, documents)
  return documents
}

/** Returns a random draft id, as the API requires clients to choose them. */
export const randomDraftId = (): DraftId => draftId(randomBytes(16).toString("base64url"))

export const benchOwner = (index: number): OwnerId => ownerId(`bench-claimant-${index}`)

/** One draft per worker, each with the ETag of its current version. */
export interface WorkerDrafts {
  readonly refs: ReadonlyArray<DraftRef>
  /** Undefined after a save whose outcome is unknown. */
  readonly etags: Array<string | undefined>
}

/** Creates `count` drafts holding `document`, owners numbered from `firstOwner`, and returns their refs and ETags. */
export const createDrafts = (stack: BenchStack, count: number, document: string, firstOwner = 0): Promise<WorkerDrafts> =>
  stack.run(
    Effect.forEach(
      Array.from({ length: count }, (_, index) => ({ owner: benchOwner(firstOwner + index), draftId: randomDraftId() })),
      (ref) => Effect.map(stack.drafts.save({ ...ref, document, precondition: Create }), (version) => ({ ref, etag: version.etag })),
      { concurrency: 16 }
    ).pipe(Effect.map((created) => ({ refs: created.map((item) => item.ref), etags: created.map((item) => item.etag) })))
  )

const unavailableTags: ReadonlySet<string> = new Set(["StoreUnavailable", "KeyUnavailable"])

/**
 * Runs a program and returns its value. A tier that is unavailable throws `Unavailable`;
 * any other failure throws an Error naming its tag, which stops the benchmark.
 */
export const runProgram = async <A, E extends { readonly _tag: string }>(stack: BenchStack, program: Effect.Effect<A, E>) => {
  const outcome = await stack.run(Effect.either(program))
  if (Either.isRight(outcome)) return outcome.right
  if (unavailableTags.has(outcome.left._tag)) throw new Unavailable(outcome.left._tag)
  throw new Error(`the program failed with ${outcome.left._tag}`)
}

/**
 * Saves the next document over worker `worker`'s draft with If-Match of its last ETag. After
 * an unavailable save the outcome is unknown, so the next call reads the current ETag first.
 */
export const replaceDraft = async (stack: BenchStack, drafts: WorkerDrafts, worker: number, document: string) => {
  const ref = drafts.refs[worker]!
  if (drafts.etags[worker] === undefined) drafts.etags[worker] = (await runProgram(stack, stack.drafts.load(ref))).etag

  try {
    const version = await runProgram(stack, stack.drafts.save({ ...ref, document, precondition: Replace(drafts.etags[worker]!) }))
    drafts.etags[worker] = version.etag
  } catch (error) {
    if (error instanceof Unavailable) drafts.etags[worker] = undefined
    throw error
  }
}

/** Size in bytes of the encoded record the hot tier holds for a draft: what the raw baselines store. */
export const storedRecordBytes = async (stack: BenchStack, ref: DraftRef): Promise<number> => {
  const record = await stack.run(stack.hot.get(stack.storageKeys.draftKey(ref.owner, ref.draftId)))
  if (Option.isNone(record)) throw new Error("the benchmark draft is missing from the hot tier")
  return record.value.bytes.length
}

/** The TTL of a freshly saved draft with the default retention, for raw SETs. */
export const draftTtlMillis = (stack: BenchStack): number => Duration.toMillis(stack.config.idleRetention)

/**
 * Runs a raw Redis command. A command timeout or a connection that dropped throws
 * `Unavailable`, as the hot store's own calls do, so both sides of a comparison count the same
 * failures.
 */
export const rawCommand = async <A>(command: Promise<A>): Promise<A> => {
  try {
    return await command
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (/timed out|Connection is closed|max retries/i.test(message)) throw new Unavailable(message)
    throw error
  }
}

/**
 * A plain ioredis client with the options the hot store uses (auto-pipelining, timeouts),
 * so the raw baseline differs from the store only in what it sends.
 */
export const rawRedisClient = (environment: BenchEnvironment): Effect.Effect<Redis, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const resolved = resolveOptions({ url: Redacted.make(environment.redis.url) })
      if (resolved._tag === "Left") throw new Error(`invalid Redis options: ${resolved.left.option}`)
      if (!isStandalone(resolved.right)) throw new Error("invalid Redis options: the benchmark needs one endpoint")
      const client = new Redis({ ...clientOptions(resolved.right), lazyConnect: false, connectionName: "claim-drafts-bench-raw" })
      // Connection errors also fail the commands that hit them, which is where the benchmark
      // reports them; without a listener ioredis prints each one as unhandled.
      client.on("error", () => undefined)
      return client
    }),
    (client) => Effect.promise(() => client.quit().catch(() => undefined)).pipe(Effect.andThen(() => client.disconnect()))
  )
