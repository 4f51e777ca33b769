import { Duration, Effect, Either } from "effect"
import { decodeDraftId, decodeOwnerId } from "../../domain/ids.ts"
import { Create, type LoadedDraft, Replace } from "../../programs/model.ts"
import { type Claim, pagePatches } from "../support/claims/index.ts"
import { callProgram } from "./calls.ts"
import { canonicalJson, type DraftLedger, type Ledger } from "./ledger.ts"
import type { DraftsService } from "./stack.ts"

/** What every claimant of one workload shares. */
export interface ClaimantEnvironment {
  readonly ledger: Ledger
  /** The instance that serves the next request, as a load balancer would pick it. */
  readonly route: () => DraftsService
  /** Epoch ms after which claimants send no new request. */
  readonly deadline: number
  /** Pages each claimant fills, at most the 12 of the claim form. */
  readonly pages: number
}

export interface ClaimantPlan {
  readonly index: number
  /** Seed of the claim the claimant enters and of its choices. */
  readonly seed: number
  /** The page after which the claimant deletes the draft instead of submitting it. */
  readonly abandonAfterPage: number | undefined
}

/** How a session ended: "stopped" means it gave up on an error or at the deadline. */
export type ClaimantEnd = "submitted" | "deleted" | "stopped"

interface Session {
  readonly draft: DraftLedger
  readonly random: () => number
  /** The version the claimant holds, undefined before the first save or once the draft is gone. */
  etag: string | undefined
  /** The document stored at `etag`, as the claimant last wrote or read it. */
  stored: Claim
  /** Everything the claimant has entered so far; what it wants stored. */
  form: Claim
  submitted: boolean
}

/** Requests per operation at most, 503s and reloads included. */
const maxAttempts = 40

/** Small deterministic generator (mulberry32), so a seed replays the same choices. */
const seededRandom = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const orThrow = <A, E>(either: Either.Either<A, E>): A => Either.getOrThrowWith(either, (error) => error)

/**
 * One claimant's session: creates a draft, fills the claim form page by page with merge
 * patches (sometimes an autosave after the first field, sometimes the whole form), flushes,
 * reloads and lists now and then, and submits at the end, or deletes the draft when its
 * plan requires it. 503s are retried after a short pause; a 412 or 404 makes it reload the
 * draft and send the whole form again, as a client that keeps its form state would.
 */
export const runClaimant = (environment: ClaimantEnvironment, plan: ClaimantPlan): Effect.Effect<ClaimantEnd> =>
  Effect.gen(function* () {
    const { ledger } = environment
    const owner = orThrow(decodeOwnerId(`drill-claimant-${plan.index}`))
    const draftId = orThrow(decodeDraftId(crypto.randomUUID()))
    const ref = { owner, draftId }
    const patches = pagePatches(plan.seed)
    const session: Session = {
      draft: ledger.openDraft(owner, draftId),
      random: seededRandom(plan.seed),
      etag: undefined,
      stored: {},
      form: {},
      submitted: false
    }
    const draft = session.draft

    const call = <A, E extends { readonly _tag: string }>(effect: Effect.Effect<A, E>) =>
      Effect.tap(callProgram(effect), (outcome) =>
        Effect.sync(() => {
          if (outcome._tag === "unavailable") ledger.counts.unavailable += 1
        })
      )

    const pastDeadline = () => Date.now() > environment.deadline
    const pause = Effect.suspend(() => Effect.sleep(Duration.millis(100 + Math.floor(session.random() * 150))))
    const think = Effect.suspend(() => Effect.sleep(Duration.millis(40 + Math.floor(session.random() * 120))))

    const takeLoaded = (loaded: LoadedDraft, source: string) => {
      const document = JSON.parse(loaded.document) as Claim
      ledger.observe(draft, { _tag: "found", etag: loaded.etag, content: canonicalJson(document), durable: loaded.durable }, source)
      session.etag = loaded.etag
      session.stored = document
      if (loaded.state === "submitted") session.submitted = true
    }

    /** Reads the current version; false when it gave up. */
    const reload = (source: string) =>
      Effect.gen(function* () {
        for (let attempt = 0; attempt < maxAttempts && !pastDeadline(); attempt++) {
          const outcome = yield* call(environment.route().load(ref))
          switch (outcome._tag) {
            case "ok":
              takeLoaded(outcome.value, source)
              return true
            case "not-found":
              ledger.observe(draft, { _tag: "not-found" }, source)
              session.etag = undefined
              session.stored = {}
              return true
            case "unavailable":
              yield* pause
              continue
            default:
              ledger.recordError(draft, `load ended with ${outcome._tag === "error" ? outcome.description : outcome._tag}`)
              return false
          }
        }
        return false
      })

    const resync = Effect.suspend(() => {
      ledger.counts.resyncs += 1
      return reload("reload after a conflict")
    })

    const inSync = () => session.etag !== undefined && canonicalJson(session.stored) === canonicalJson(session.form)

    /** Stores the form: as `patch` when it turns the stored version into the form, else whole. */
    const storeForm = (patch: Claim | undefined) =>
      Effect.gen(function* () {
        const content = canonicalJson(session.form)
        for (let attempt = 0; attempt < maxAttempts && !pastDeadline(); attempt++) {
          const etag = session.etag
          const asPatch = patch !== undefined && etag !== undefined && canonicalJson({ ...session.stored, ...patch }) === content
          const precondition = etag === undefined ? Create : Replace(etag)
          const drafts = environment.route()
          const entry = ledger.attempt(draft, "version", content)
          const outcome = yield* call(
            asPatch
              ? drafts.patch({ ...ref, patch: JSON.stringify(patch), precondition })
              : drafts.save({ ...ref, document: JSON.stringify(session.form), precondition })
          )

          switch (outcome._tag) {
            case "ok":
              ledger.acknowledge(draft, entry, outcome.value.etag, outcome.value.durable)
              session.etag = outcome.value.etag
              session.stored = session.form
              return true
            case "unavailable":
              yield* pause
              continue
            case "stale":
            case "exists":
            case "not-found":
              if (!(yield* resync)) return false
              // A write whose call failed may still have landed; then there is nothing left to send.
              if (inSync()) return true
              continue
            case "submitted":
              ledger.recordError(draft, "a save found the draft submitted")
              return false
            case "error":
              ledger.recordError(draft, `save ended with ${outcome.description}`)
              return false
          }
        }
        return false
      })

    const flush = Effect.gen(function* () {
      for (let attempt = 0; attempt < 3 && !pastDeadline(); attempt++) {
        const outcome = yield* call(environment.route().flush(ref))
        if (outcome._tag === "ok") {
          const version = outcome.value
          ledger.observe(draft, { _tag: "found", etag: version.etag, content: undefined, durable: version.durable }, "flush")
          return
        }
        if (outcome._tag !== "unavailable") return yield* Effect.asVoid(resync)
        yield* pause
      }
    })

    const list = Effect.gen(function* () {
      const outcome = yield* call(environment.route().list(owner))
      if (outcome._tag !== "ok") return
      for (const version of outcome.value) {
        if (version.draftId !== draftId) continue
        ledger.observe(draft, { _tag: "found", etag: version.etag, content: undefined, durable: version.durable }, "list")
      }
    })

    const submit = Effect.gen(function* () {
      for (let attempt = 0; attempt < maxAttempts && !pastDeadline(); attempt++) {
        if (session.submitted) return true
        if (!inSync() && !(yield* storeForm(undefined))) return false

        const entry = ledger.attempt(draft, "version", canonicalJson(session.form))
        const outcome = yield* call(
          environment.route().submit({ ...ref, precondition: Replace(session.etag as string) })
        )
        switch (outcome._tag) {
          case "ok": {
            const { document, version } = outcome.value
            if (canonicalJson(JSON.parse(document)) !== canonicalJson(session.form)) {
              ledger.recordError(draft, `submit returned another document than the form`)
            }
            ledger.acknowledge(draft, entry, version.etag, version.durable)
            session.etag = version.etag
            session.submitted = true
            return true
          }
          case "unavailable":
            yield* pause
            continue
          case "stale":
          case "not-found":
            if (!(yield* resync)) return false
            continue
          default:
            ledger.recordError(draft, `submit ended with ${outcome._tag === "error" ? outcome.description : outcome._tag}`)
            return false
        }
      }
      return false
    })

    const remove = Effect.gen(function* () {
      for (let attempt = 0; attempt < maxAttempts && !pastDeadline(); attempt++) {
        const entry = ledger.attempt(draft, "tombstone", undefined)
        const outcome = yield* call(
          environment.route().delete(session.etag === undefined ? ref : { ...ref, etag: session.etag })
        )
        switch (outcome._tag) {
          case "ok":
            ledger.acknowledge(draft, entry, undefined, outcome.value.durable)
            return true
          case "not-found":
            // An earlier attempt deleted it, or the hot tier lost a draft that was never durable.
            return true
          case "unavailable":
            yield* pause
            continue
          case "stale":
            if (!(yield* resync)) return false
            continue
          default:
            ledger.recordError(draft, `delete ended with ${outcome._tag === "error" ? outcome.description : outcome._tag}`)
            return false
        }
      }
      return false
    })

    if (!(yield* storeForm(undefined))) return "stopped" as const

    for (let page = 0; page < environment.pages; page++) {
      const { patch } = patches[page] as { readonly patch: Claim }
      const [firstField] = Object.keys(patch) as Array<keyof Claim>

      if (firstField !== undefined && session.random() < 0.35) {
        const partial: Claim = { [firstField]: patch[firstField] }
        session.form = { ...session.form, ...partial }
        if (!(yield* storeForm(partial))) return "stopped" as const
        yield* think
      }

      session.form = { ...session.form, ...patch }
      if (!(yield* storeForm(patch))) return "stopped" as const

      if (page === plan.abandonAfterPage) {
        if (!(yield* remove)) return "stopped" as const
        yield* reload("load after delete")
        return "deleted" as const
      }

      const choice = session.random()
      if (choice < 0.2) yield* flush
      else if (choice < 0.35) yield* reload("load")
      else if (choice < 0.4) yield* list
      yield* think
    }

    if (!(yield* submit)) return "stopped" as const
    yield* reload("load after submit")
    return "submitted" as const
  })
