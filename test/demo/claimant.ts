import { Duration, Effect } from "effect"
import type { StepRow } from "./report.ts"
import { StepFailed } from "./StepFailed.ts"

/** One HTTP exchange of the claimant's browser. */
export interface HttpReply {
  readonly step: string
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly millis: number
}

/** The version metadata that writes, flush and list return (adapters/http/api/schemas.ts). */
export interface DraftVersion {
  readonly draftId: string
  readonly etag: string
  readonly seq: number
  readonly state: "draft" | "submitted"
  readonly durable: boolean
}

/** A document read with GET or returned by submit, with the metadata from its headers. */
export interface DraftDocument {
  readonly etag: string
  readonly seq: number
  readonly state: string
  readonly durable: boolean
  /** The tier the read came from; submit reports none. */
  readonly tier: string | undefined
  readonly text: string
  readonly document: unknown
}

const requestTimeout = Duration.seconds(30)

const reasonOf = (cause: unknown): string => {
  if (!(cause instanceof Error)) return String(cause)
  const code = (cause.cause as { code?: unknown } | undefined)?.code
  return typeof code === "string" ? `${cause.message} (${code})` : cause.message
}

/**
 * Describes a reply with an unexpected status. Problem details name fields and rules and
 * never a draft's values, so their type and detail are safe to print.
 */
const unexpectedStatus = (reply: HttpReply, expected: number): StepFailed => {
  let problem = ""
  try {
    const body = JSON.parse(reply.text) as { type?: unknown; detail?: unknown }
    if (typeof body.type === "string") problem = ` (${body.type}: ${String(body.detail)})`
  } catch {
    // Not a problem document, so the status is reported alone.
  }
  return new StepFailed({ step: reply.step, reason: `expected HTTP ${expected}, got ${reply.status}${problem}` })
}

/** Creates the calls a claimant's browser makes to one server, with the claimant's bearer token. */
export const claimantClient = (baseUrl: string, token: string, draftId: string) => {
  const draftPath = `/v1/drafts/${encodeURIComponent(draftId)}`

  const send = (step: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    Effect.tryPromise({
      try: async (signal): Promise<HttpReply> => {
        const started = performance.now()
        const response = await fetch(`${baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...headers },
          ...(body === undefined ? {} : { body }),
          signal: AbortSignal.any([signal, AbortSignal.timeout(Duration.toMillis(requestTimeout))])
        })
        const text = await response.text()
        return { step, status: response.status, headers: response.headers, text, millis: performance.now() - started }
      },
      catch: (cause) => new StepFailed({ step, reason: `${method} ${path} failed: ${reasonOf(cause)}` })
    })

  return {
    /** PUT of a new draft: `If-None-Match: *` makes it fail with 412 if the id is taken. */
    create: (step: string, document: unknown) =>
      send(step, "PUT", draftPath, { "content-type": "application/json", "if-none-match": "*" }, JSON.stringify(document)),

    /** PATCH with a JSON Merge Patch of the version that `etag` names. */
    patch: (step: string, etag: string, patch: unknown) =>
      send(
        step,
        "PATCH",
        draftPath,
        { "content-type": "application/merge-patch+json", "if-match": etag },
        JSON.stringify(patch)
      ),

    load: (step: string) => send(step, "GET", draftPath),

    list: (step: string) => send(step, "GET", "/v1/drafts"),

    flush: (step: string) => send(step, "POST", `${draftPath}/flush`),

    submit: (step: string, etag: string) => send(step, "POST", `${draftPath}/submit`, { "if-match": etag })
  }
}

export type ClaimantClient = ReturnType<typeof claimantClient>

const parseJson = (reply: HttpReply): Effect.Effect<unknown, StepFailed> =>
  Effect.try({
    try: () => JSON.parse(reply.text) as unknown,
    catch: () => new StepFailed({ step: reply.step, reason: "the response body is not JSON" })
  })

/** Checks the status and returns the version metadata of a write or flush. */
export const expectVersion = (reply: HttpReply, status: number): Effect.Effect<DraftVersion, StepFailed> =>
  Effect.gen(function* () {
    if (reply.status !== status) return yield* unexpectedStatus(reply, status)

    const body = (yield* parseJson(reply)) as Partial<DraftVersion>
    if (typeof body.etag !== "string" || typeof body.seq !== "number" || typeof body.durable !== "boolean") {
      return yield* new StepFailed({ step: reply.step, reason: "the response lacks etag, seq or durable" })
    }
    return body as DraftVersion
  })

/** Checks the status and returns the document with the metadata from its headers. */
export const expectDocument = (reply: HttpReply, status: number): Effect.Effect<DraftDocument, StepFailed> =>
  Effect.gen(function* () {
    if (reply.status !== status) return yield* unexpectedStatus(reply, status)

    const etag = reply.headers.get("etag")
    const seq = Number(reply.headers.get("claim-drafts-seq"))
    if (etag === null || !Number.isSafeInteger(seq)) {
      return yield* new StepFailed({ step: reply.step, reason: "the response lacks the ETag or Claim-Drafts-Seq header" })
    }

    return {
      etag,
      seq,
      state: reply.headers.get("claim-drafts-state") ?? "",
      durable: reply.headers.get("claim-drafts-durable") === "true",
      tier: reply.headers.get("claim-drafts-tier") ?? undefined,
      text: reply.text,
      document: yield* parseJson(reply)
    }
  })

/** Checks that a write was refused with 412 Precondition Failed. */
export const expectPreconditionFailed = (reply: HttpReply): Effect.Effect<void, StepFailed> =>
  Effect.gen(function* () {
    if (reply.status !== 412) return yield* unexpectedStatus(reply, 412)

    const body = (yield* parseJson(reply)) as { type?: unknown }
    if (body.type !== "urn:claim-drafts:problem:precondition-failed") {
      return yield* new StepFailed({ step: reply.step, reason: "the 412 response is not a precondition-failed problem" })
    }
  })

/** Checks the status and returns the owner's drafts. */
export const expectList = (reply: HttpReply): Effect.Effect<ReadonlyArray<DraftVersion>, StepFailed> =>
  Effect.gen(function* () {
    if (reply.status !== 200) return yield* unexpectedStatus(reply, 200)

    const body = yield* parseJson(reply)
    if (!Array.isArray(body)) return yield* new StepFailed({ step: reply.step, reason: "the list is not a JSON array" })
    return body as ReadonlyArray<DraftVersion>
  })

export const versionRow = (reply: HttpReply, version: DraftVersion): StepRow => ({
  step: reply.step,
  status: String(reply.status),
  seq: version.seq,
  durable: version.durable,
  millis: reply.millis
})

export const documentRow = (reply: HttpReply, loaded: DraftDocument): StepRow => ({
  step: reply.step,
  status: String(reply.status),
  seq: loaded.seq,
  ...(loaded.tier === undefined ? {} : { tier: loaded.tier }),
  durable: loaded.durable,
  millis: reply.millis
})

export const statusRow = (reply: HttpReply): StepRow => ({
  step: reply.step,
  status: String(reply.status),
  millis: reply.millis
})
