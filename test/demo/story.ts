import { randomUUID } from "node:crypto"
import { isDeepStrictEqual } from "node:util"
import { Effect, type Scope } from "effect"
import { type PagePatch, pagePatches, sampleClaim } from "../support/claims/index.ts"
import {
  type ClaimantClient,
  claimantClient,
  type DraftDocument,
  documentRow,
  expectDocument,
  expectList,
  expectPreconditionFailed,
  expectVersion,
  type HttpReply,
  statusRow,
  versionRow
} from "./claimant.ts"
import type { DemoEnvironment } from "./environment.ts"
import { formatNote, formatRow, type StepRow } from "./report.ts"
import { issueTokenWithCli, type ServerRun, startServer, stopServer } from "./serverProcess.ts"
import { StepFailed } from "./StepFailed.ts"

/** What the scan needs from the story: the servers' logs. */
export interface StoryOutcome {
  readonly serverLogs: ReadonlyArray<string>
}

const printRow = (row: StepRow) => Effect.sync(() => console.log(formatRow(row)))
const printNote = (text: string) => Effect.sync(() => console.log(formatNote(text)))

const check = (step: string, condition: boolean, reason: string): Effect.Effect<void, StepFailed> =>
  condition ? Effect.void : Effect.fail(new StepFailed({ step, reason }))

const pageAt = (pages: ReadonlyArray<PagePatch>, number: number): PagePatch => {
  const page = pages[number - 1]
  if (page === undefined) throw new RangeError(`the claim form has no page ${number}`)
  return page
}

/** Checks that a read returned the claim exactly as the first `pageCount` pages filled it. */
const checkDocument = (step: string, loaded: DraftDocument, seed: number, pageCount: number) =>
  check(
    step,
    isDeepStrictEqual(loaded.document, sampleClaim(seed, pageCount)),
    `the document differs from the claim after ${pageCount} pages`
  )

/** The seq an ETag names: strong ETags read `"<seq>-<createdAt>-<kind letter><revision>"`. */
const seqOf = (etag: string): number => Number(etag.slice(1).split("-")[0])

/** Saves one page as a merge patch and checks that it became a newer version. */
const savePage = (client: ClaimantClient, pages: ReadonlyArray<PagePatch>, number: number, etag: string, label = "") =>
  Effect.gen(function* () {
    const page = pageAt(pages, number)
    const reply = yield* client.patch(`${label}PATCH page ${number} ${page.page}`, etag, page.patch)
    const version = yield* expectVersion(reply, 200)
    yield* check(reply.step, version.seq > seqOf(etag), `expected a seq above ${seqOf(etag)}, got ${version.seq}`)
    yield* printRow(versionRow(reply, version))
    return version.etag
  })

/** Checks that a read returned a document and prints its row. */
const expectLoaded = (reply: HttpReply) =>
  Effect.gen(function* () {
    const loaded = yield* expectDocument(reply, 200)
    yield* printRow(documentRow(reply, loaded))
    return loaded
  })

/** Stops a server with SIGTERM and shows its log line that counts the drafts persisted at shutdown. */
const stopAndShowPersisted = (step: string, server: ServerRun) =>
  Effect.gen(function* () {
    const { millis } = yield* stopServer(step, server)
    yield* printRow({ step, status: "exit 0", millis })

    const line = server.child
      .output()
      .split("\n")
      .find((text) => /Persisted \d+ pending draft\(s\) before shutdown\./.test(text))
    if (line === undefined) {
      return yield* new StepFailed({ step, reason: "the server log has no line counting the drafts persisted at shutdown" })
    }
    yield* printNote(line.trim())
  })

/** Fills pages 1 to 11 on the first server, with a second tab that keeps an old ETag. Returns the last ETag. */
const fillBeforeRestart = (browser: ClaimantClient, pages: ReadonlyArray<PagePatch>, seed: number) =>
  Effect.gen(function* () {
    const created = yield* browser.create(`PUT page 1 ${pageAt(pages, 1).page} (If-None-Match: *)`, pageAt(pages, 1).patch)
    const createdVersion = yield* expectVersion(created, 201)
    yield* check(created.step, createdVersion.seq >= 1, `expected a positive seq, got ${createdVersion.seq}`)
    yield* printRow(versionRow(created, createdVersion))
    let etag = yield* savePage(browser, pages, 2, createdVersion.etag)

    const opened = yield* expectLoaded(yield* browser.load("tab B: GET (opens the form)"))
    for (let number = 3; number <= 7; number++) etag = yield* savePage(browser, pages, number, etag)

    const union = pageAt(pages, 8)
    const stale = yield* browser.patch(`tab B: PATCH page 8 ${union.page}, old ETag`, opened.etag, union.patch)
    yield* expectPreconditionFailed(stale)
    yield* printRow(statusRow(stale))
    yield* printNote(`If-Match ${opened.etag} names seq ${opened.seq}, but tab A has saved up to seq ${seqOf(etag)}; nothing changed`)

    const reloaded = yield* expectLoaded(yield* browser.load("tab B: GET (reload)"))
    yield* check("tab B: GET (reload)", reloaded.etag === etag, "the reload did not return the version tab A saved last")
    etag = yield* savePage(browser, pages, 8, reloaded.etag, "tab B: ")
    yield* printNote("the claimant closes tab A and goes on in tab B")

    const shown = yield* expectLoaded(yield* browser.load("GET (shows the document)"))
    yield* checkDocument("GET (shows the document)", shown, seed, 8)
    // Field names only: the values are the personal data that must not reach any output.
    const fields = typeof shown.document === "object" && shown.document !== null ? Object.keys(shown.document) : []
    yield* printNote(`${Buffer.byteLength(shown.text)} bytes, equal to the claim after 8 pages: ${fields.join(", ")}`)

    const flushed = yield* browser.flush("POST flush")
    const flushedVersion = yield* expectVersion(flushed, 200)
    const madeDurable = flushedVersion.durable && flushedVersion.etag === etag
    yield* check(flushed.step, madeDurable, "the flush did not make the current version durable")
    yield* printRow(versionRow(flushed, flushedVersion))

    for (let number = 9; number <= 11; number++) etag = yield* savePage(browser, pages, number, etag)
    return etag
  })

/** Lists the drafts after the restart, resumes where the claimant left off, saves the last page and submits twice. */
const resumeAndSubmit = (
  browser: ClaimantClient,
  pages: ReadonlyArray<PagePatch>,
  seed: number,
  draftId: string,
  lastEtag: string
) =>
  Effect.gen(function* () {
    const listed = yield* browser.list("GET /v1/drafts (list)")
    const drafts = yield* expectList(listed)
    const entry = drafts.find((draft) => draft.draftId === draftId)
    if (drafts.length !== 1 || entry === undefined) {
      return yield* new StepFailed({ step: listed.step, reason: `expected the owner's one draft, got ${drafts.length} drafts` })
    }
    const current = entry.etag === lastEtag && entry.durable
    yield* check(listed.step, current, "the listed version is not the last one saved, or it is not durable")
    yield* printRow(versionRow(listed, entry))

    const reopened = yield* expectLoaded(yield* browser.load("GET (resume)"))
    yield* check("GET (resume)", reopened.etag === lastEtag, "the ETag after the restart differs from the one before it")
    yield* checkDocument("GET (resume)", reopened, seed, 11)
    yield* printNote(`same ETag ${lastEtag}; the document ends with the ${pageAt(pages, 11).page} page`)

    const etag = yield* savePage(browser, pages, 12, lastEtag)

    const submitted = yield* browser.submit("POST submit (If-Match)", etag)
    const final = yield* expectDocument(submitted, 200)
    yield* check(submitted.step, final.state === "submitted", `expected state submitted, got ${final.state}`)
    yield* checkDocument(submitted.step, final, seed, 12)
    yield* printRow(documentRow(submitted, final))

    const retried = yield* browser.submit("POST submit again (a retry)", etag)
    const again = yield* expectDocument(retried, 200)
    const same = again.text === final.text && again.etag === final.etag
    yield* check(retried.step, same, "the retried submit returned another document or ETag")
    yield* printRow(documentRow(retried, again))
    yield* printNote("the retry returns the same document and ETag")
  })

/**
 * Runs one claimant's session: fill the form page by page, lose a race in a second tab, stop
 * the server, resume after the restart and submit. Every step prints a row and checks its result.
 */
export const runStory = (
  environment: DemoEnvironment,
  seed: number
): Effect.Effect<StoryOutcome, StepFailed, Scope.Scope> =>
  Effect.gen(function* () {
    const pages = pagePatches(seed)
    const owner = `claimant-${environment.runId}`
    // Random, as clients must choose draft ids: they appear in URLs and logs.
    const draftId = randomUUID()

    const first = yield* startServer("start server", environment.env)
    yield* printRow({ step: "start server, wait for /readyz", status: "200", millis: first.readyMillis })

    const issued = yield* issueTokenWithCli("claim-drafts token", environment.env, owner)
    yield* printRow({ step: `claim-drafts token --owner ${owner}`, status: "exit 0", millis: issued.millis })

    const lastEtag = yield* fillBeforeRestart(claimantClient(first.baseUrl, issued.token, draftId), pages, seed)
    yield* stopAndShowPersisted("stop server (SIGTERM)", first)

    const second = yield* startServer("restart server", environment.env)
    yield* printRow({ step: "restart on the same data, wait for /readyz", status: "200", millis: second.readyMillis })

    yield* resumeAndSubmit(claimantClient(second.baseUrl, issued.token, draftId), pages, seed, draftId, lastEtag)
    yield* stopAndShowPersisted("stop server (SIGTERM)", second)

    return { serverLogs: [first.child.output(), second.child.output()] }
  })
