import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { ServiceUnavailableProblem } from "../problems/Problem.ts"
import { HealthJson } from "./schemas.ts"

const healthz = HttpApiEndpoint.get("healthz", "/healthz")
  .addSuccess(HealthJson)
  .annotateContext(OpenApi.annotations({ summary: "Liveness: the process serves requests" }))

const readyz = HttpApiEndpoint.get("readyz", "/readyz")
  .addSuccess(HealthJson)
  .addError(ServiceUnavailableProblem)
  .annotateContext(OpenApi.annotations({ summary: "Readiness: the hot and durable tiers respond" }))

/** Probes for orchestrators; they need no token and reveal no draft. */
export class HealthGroup extends HttpApiGroup.make("health")
  .add(healthz)
  .add(readyz)
  .annotateContext(OpenApi.annotations({ title: "Health" })) {}
