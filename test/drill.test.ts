import { spawnSync } from "node:child_process"
import { join, resolve } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Context, Deferred, Effect, Either, Fiber, Layer } from "effect"
import { decodeDraftId, decodeOwnerId } from "../domain/ids.ts"
import { Drafts } from "../programs/Drafts.ts"
import { Create, Replace } from "../programs/model.ts"
import { DurableStore } from "../programs/ports/DurableStore.ts"
import { parseDrillArgs } from "./drill/options.ts"
import { runScenario } from "./drill/runner.ts"
import { baseline, redisFlushed, type Scenario } from "./drill/scenarios.ts"
import { startServers } from "./drill/servers.ts"
import { defaultTimings, endpointsOf, portsLayer, startInstance } from "./drill/stack.ts"

// A short run of the drill's own code over real redis-server, s3rver and the test KMS, so the
// harness behind `npm run drill` keeps working. The full drill runs every scenario.
const shortRun = (scenario: Scenario) =>
  runScenario(scenario, {
    timings: defaultTimings,
    workload: { claimants: 4, pages: 12, seed: 11, limitMillis: 20_000 }
  })

describe("failure drill", () => {
  it.live(
    "baseline loses nothing",
    () =>
      Effect.gen(function* () {
        const row = yield* shortRun(baseline)

        expect(row.errors).toEqual([])
        expect(row.problems).toEqual([])
        expect(row.acknowledged).toBeGreaterThan(0)
        expect(row.durable).toBeGreaterThan(0)
        expect(row.lost).toBe(0)
        expect(row.rolledBack).toBe(0)
        expect(row.drainedSeconds).toBeDefined()
      }),
    90_000
  )

  it.live(
    "redis flushed loses no durable version",
    () =>
      Effect.gen(function* () {
        const row = yield* shortRun(redisFlushed)

        expect(row.errors).toEqual([])
        expect(row.acknowledged).toBeGreaterThan(0)
        expect(row.durable).toBeGreaterThan(0)
        expect(row.lost).toBe(0)
        expect(row.notes.filter((note) => note.endsWith("FLUSHALL"))).toHaveLength(2)
      }),
    90_000
  )
})

// After the hot tier loses a version that is not yet durable, a persist of that version may
// still be in flight (a slow or retried S3 put). The next save of the restored draft must get
// a higher seq, so the late put can neither overwrite nor outrank the version a flush
// reported durable.
describe("late persist after a hot-tier loss", () => {
  it.live(
    "never replaces a newer durable version",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const servers = yield* startServers
          const endpoints = endpointsOf(servers, "drill/late-persist")
          const timings = defaultTimings
          const serving = yield* startInstance(endpoints, timings, { writeBehind: false })

          // A second instance whose next S3 put waits for a gate, like an upload stuck in retries.
          const ports = yield* Layer.build(portsLayer(endpoints, timings)).pipe(Effect.orDie)
          const durable = Context.get(ports, DurableStore)
          const putStarted = yield* Deferred.make<void>()
          const putGate = yield* Deferred.make<void>()
          const gated = ports.pipe(
            Context.add(DurableStore, {
              ...durable,
              put: (path, bytes) =>
                Deferred.succeed(putStarted, undefined).pipe(
                  Effect.zipRight(Deferred.await(putGate)),
                  Effect.zipRight(durable.put(path, bytes))
                )
            })
          )
          const slow = Context.get(yield* Layer.build(Drafts.layer).pipe(Effect.provide(gated)), Drafts)

          const ref = { owner: Either.getOrThrow(decodeOwnerId("late-persist")), draftId: Either.getOrThrow(decodeDraftId(crypto.randomUUID())) }
          const first = yield* serving.save({ ...ref, document: `{"page":1}`, precondition: Create })
          expect((yield* serving.flush(ref)).durable).toBe(true)
          yield* serving.save({ ...ref, document: `{"page":2}`, precondition: Replace(first.etag) })

          // The slow instance reads version 2 from Redis and starts its put.
          const latePersist = yield* Effect.fork(slow.flush(ref))
          yield* Deferred.await(putStarted)

          yield* Effect.promise(() => servers.redis.flushAll())
          const restored = yield* serving.load(ref)
          expect(restored.etag).toBe(first.etag)
          const retyped = yield* serving.save({ ...ref, document: `{"page":"2 again"}`, precondition: Replace(first.etag) })
          const flushed = yield* serving.flush(ref)
          expect(flushed.etag).toBe(retyped.etag)
          expect(flushed.durable).toBe(true)

          yield* Deferred.succeed(putGate, undefined)
          yield* Fiber.join(latePersist)

          yield* Effect.promise(() => servers.redis.flushAll())
          const reloaded = yield* serving.load(ref)
          expect(reloaded.etag).toBe(retyped.etag)
          expect(reloaded.document).toBe(`{"page":"2 again"}`)
        })
      ),
    90_000
  )
})

describe("drill options", () => {
  it("parses values and defaults", () => {
    expect(parseDrillArgs([])).toEqual({ _tag: "Run", options: { claimants: 20, pages: 12, seed: 1, only: undefined } })

    const parsed = parseDrillArgs(["--claimants", "3", "--pages=5", "--seed", "7", "--only", "baseline, s3-down"])
    expect(parsed).toEqual({ _tag: "Run", options: { claimants: 3, pages: 5, seed: 7, only: ["baseline", "s3-down"] } })
  })

  it("returns help for --help", () => {
    expect(parseDrillArgs(["--help"])).toEqual({ _tag: "Help" })
    expect(parseDrillArgs(["--claimants", "0", "--help"])).toEqual({ _tag: "Help" })
  })

  it.each([
    [["--claimants", "0"], '--claimants is invalid: "0" is not a whole number of at least 1'],
    [["--claimants", "2.5"], '--claimants is invalid: "2.5" is not a whole number of at least 1'],
    [["--pages", "13"], '--pages is invalid: "13" is not a whole number from 1 to 12'],
    [["--seed", "x"], '--seed is invalid: "x" is not a whole number of at least 1'],
    [["--only", "bogus"], "--only names unknown scenarios (bogus): use names from baseline, redis-killed"],
    [["--only", ","], "--only is empty"],
    [["--bogus"], "unknown option --bogus: the drill accepts --claimants, --pages, --seed, --only and --help"],
    [["--claimants"], "--claimants is missing its value"],
    [["--claimants", "--pages", "3"], "--claimants is missing its value"],
    [["--help=yes"], "--help takes no value"],
    [["20"], 'unexpected argument "20"']
  ])("rejects %j", (args, expected) => {
    const parsed = parseDrillArgs(args)

    expect(parsed._tag).toBe("Invalid")
    expect(parsed._tag === "Invalid" ? parsed.message : "").toContain(expected)
  })
})

describe("npm run drill", () => {
  const repositoryRoot = resolve(import.meta.dirname, "..")
  const runDrill = (args: ReadonlyArray<string>) =>
    spawnSync(join(repositoryRoot, "node_modules/.bin/node"), ["test/drill/main.ts", ...args], {
      cwd: repositoryRoot,
      encoding: "utf8"
    })

  it("prints usage for --help and exits 0", () => {
    const result = runDrill(["--help"])

    expect(result.status).toBe(0)
    expect(result.stdout).toContain("usage: npm run drill")
    expect(result.stdout).toContain("--claimants N")
    expect(result.stdout).toContain("(default 20)")
    expect(result.stdout).toContain("redis-flushed")
    expect(result.stderr).toBe("")
  }, 60_000)

  it.each([{ args: ["--bogus"] }, { args: ["--only", "bogus"] }, { args: ["--claimants", "0"] }])("rejects $args with exit 2", ({ args }) => {
    const result = runDrill(args)

    expect(result.status).toBe(2)
    expect(result.stdout).toBe("")
    const lines = result.stderr.trimEnd().split("\n")
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^drill: /)
    expect(lines[1]).toBe("Run npm run drill -- --help for the options.")
    expect(result.stderr).not.toMatch(/\bat \S+ \(|Error:/)
  }, 60_000)
})
