import { HttpApi, OpenApi } from "@effect/platform"
import { DraftsGroup } from "./DraftsGroup.ts"
import { HealthGroup } from "./HealthGroup.ts"
import { openApiCleanup } from "./openApiCleanup.ts"

/** The HTTP API: drafts under /v1 behind bearer tokens, health probes without. */
export class ClaimDraftsApi extends HttpApi.make("claim-drafts")
  .add(DraftsGroup)
  .add(HealthGroup)
  .annotateContext(
    OpenApi.annotations({
      title: "claim-drafts",
      version: "1",
      description:
        "Encrypted storage of in-progress unemployment-insurance claim drafts. Errors are RFC 9457 problem " +
        "details (application/problem+json) whose `type` URN identifies the problem."
    })
  )
  .annotateContext(openApiCleanup) {}
