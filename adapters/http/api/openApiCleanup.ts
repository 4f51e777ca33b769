import { OpenApi } from "@effect/platform"
import { problemContentType } from "../problems/problemTypes.ts"

type Spec = Record<string, any>

const decodeErrorSchemas = ["HttpApiDecodeError", "Issue", "PropertyKey"]

const decodeErrorRef = "#/components/schemas/HttpApiDecodeError"

/**
 * Removes HttpApi's built-in decode error from the document. Every API carries it as a 400
 * response, but no request here is decoded by schema: path and header schemas accept any
 * string, and the handlers read bodies themselves. So every 400 is a `BadRequestProblem`, and
 * an endpoint that declares none returns no 400 at all.
 */
const removeDecodeError = (spec: Spec): Spec => {
  for (const operations of Object.values<Spec>(spec.paths ?? {})) {
    for (const operation of Object.values<Spec>(operations)) {
      const badRequest = operation.responses?.["400"]
      if (badRequest === undefined) continue

      const schemas: Array<Spec> = Object.values<Spec>(badRequest.content ?? {}).flatMap((media) =>
        media.schema?.anyOf ?? [media.schema]
      )
      if (schemas.every((schema) => schema?.$ref === decodeErrorRef)) {
        delete operation.responses["400"]
        continue
      }
      operation.responses["400"] = {
        description: spec.components?.schemas?.BadRequestProblem?.description ?? "Bad request",
        content: { [problemContentType]: { schema: { $ref: "#/components/schemas/BadRequestProblem" } } }
      }
    }
  }
  for (const name of decodeErrorSchemas) delete spec.components?.schemas?.[name]
  return spec
}

export const openApiCleanup = OpenApi.annotations({ transform: removeDecodeError })
