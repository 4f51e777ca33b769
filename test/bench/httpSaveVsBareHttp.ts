import { Effect, type Scope } from "effect"
import { issueToken } from "../../adapters/http/auth/issueToken.ts"
import { Secrets } from "../../programs/ports/Secrets.ts"
import { startBareServer, startClaimDraftsServer } from "./childServers.ts"
import type { BenchEnvironment } from "./environment.ts"
import { benchOwner, documentsOfSize, randomDraftId } from "./fixtures.ts"
import { type HttpClient, makeHttpClient } from "./httpClient.ts"
import { compare, Unavailable } from "./loadGenerator.ts"
import { comparisonRow, type Entry, progress, type Row, target, type TargetResult } from "./report.ts"
import { planFor, type Settings } from "./settings.ts"

const documentBytes = 4096

/** Throws with the response's status and body start unless the status is `expected`. */
const expectStatus = (expected: number, response: { readonly status: number; readonly body: string }, request: string) => {
  if (response.status !== expected) {
    throw new Error(`${request} returned ${response.status}, expected ${expected}: ${response.body.slice(0, 300)}`)
  }
}

/** Throws `Unavailable` for a 503, which a server returns when a tier it needs timed out. */
const unavailableOn503 = (response: { readonly status: number }) => {
  if (response.status === 503) throw new Unavailable("503 Service Unavailable")
}

/**
 * `PUT /v1/drafts/{id}` with If-Match through the real server (adapters/http/main.ts with
 * Redis, S3 and KMS) against a bare node:http handler that verifies the same token with jose,
 * parses the JSON body and runs one SET. Both run as separate processes, driven by the same
 * keep-alive client and closed loop.
 */
export const httpSaveVsBareHttp = (environment: BenchEnvironment, settings: Settings): Effect.Effect<Entry, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    yield* Effect.promise(() => environment.redis.flushAll())
    const real = yield* startClaimDraftsServer(environment)
    const bare = yield* startBareServer(environment)
    progress(`servers listening: ${real.baseUrl} and ${bare.baseUrl}`)

    const documents = documentsOfSize(documentBytes)
    const workers = Math.max(...settings.concurrencies)
    const tokens = yield* Effect.forEach(Array.from({ length: workers }, (_, worker) => benchOwner(worker)), (owner) =>
      issueToken({ owner }).pipe(Effect.provideService(Secrets, environment.secrets))
    )
    const paths = tokens.map(() => `/v1/drafts/${randomDraftId()}`)
    /** Undefined after a 503, whose outcome is unknown; the next save reads the ETag first. */
    const etags: Array<string | undefined> = []

    const setup = makeHttpClient(real.baseUrl, 16)
    for (let worker = 0; worker < workers; worker++) {
      const created = yield* Effect.promise(() =>
        setup.send(
          "PUT",
          paths[worker]!,
          { authorization: `Bearer ${tokens[worker]}`, "content-type": "application/json", "if-none-match": "*" },
          documents[0]
        )
      )
      expectStatus(201, created, "creating a draft")
      etags.push(created.etag!)
    }
    setup.close()

    const rows: Array<Row> = []
    const targets: Array<TargetResult> = []
    for (const concurrency of settings.concurrencies) {
      const clients: Array<HttpClient> = [makeHttpClient(real.baseUrl, concurrency), makeHttpClient(bare.baseUrl, concurrency)]
      const [ours, baseline] = clients as [HttpClient, HttpClient]
      const comparison = yield* Effect.promise((signal) =>
        compare(
          {
            label: "claim-drafts server PUT, If-Match",
            operation: async (worker, index) => {
              const authorization = `Bearer ${tokens[worker]}`
              if (etags[worker] === undefined) {
                const current = await ours.send("GET", paths[worker]!, { authorization })
                unavailableOn503(current)
                expectStatus(200, current, "reading a draft from the claim-drafts server")
                etags[worker] = current.etag
              }

              const response = await ours.send(
                "PUT",
                paths[worker]!,
                { authorization, "content-type": "application/json", "if-match": etags[worker]! },
                documents[index % documents.length]
              )
              if (response.status === 503) etags[worker] = undefined
              unavailableOn503(response)
              expectStatus(200, response, "the claim-drafts server")
              etags[worker] = response.etag!
            }
          },
          {
            label: "bare node:http + jose + SET",
            operation: async (worker, index) => {
              const response = await baseline.send(
                "PUT",
                paths[worker]!,
                { authorization: `Bearer ${tokens[worker]}`, "content-type": "application/json" },
                documents[index % documents.length]
              )
              unavailableOn503(response)
              expectStatus(200, response, "the bare server")
            }
          },
          planFor(settings, concurrency),
          signal
        ).finally(() => clients.forEach((client) => client.close()))
      )
      progress(`concurrency ${concurrency}: measured`)
      const row = comparisonRow(documentBytes, concurrency, comparison)
      rows.push(row)
      if (concurrency === 64) targets.push(target("throughput ratio at concurrency 64", row.ratios!.throughput!, ">=", 0.5))
    }

    return {
      key: "http_save_vs_bare_http",
      title: "PUT /v1/drafts/{id} through the server vs a bare node:http handler with jose and one SET",
      rows,
      targets,
      notes: [
        "Both servers are child processes on loopback; the CPU column is the client's (this process) only.",
        "The server side also verifies the token (or reuses its verification), validates the document, seals it and runs the write-behind loop."
      ]
    } satisfies Entry
  })
