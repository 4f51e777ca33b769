import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { problemContentType, type ProblemKind, problemTypes, problemTypeUri } from "./problemTypes.ts"

/**
 * RFC 9457 problem details, one schema class per HTTP status because HttpApi takes the
 * status of an error response from its schema. Every class encodes to exactly the four
 * standard members below as `application/problem+json`. The status is a literal in each
 * class: Schema matches class instances by shape as well as by constructor, so classes of
 * equal shape would encode each other's instances with the wrong status.
 */
const fieldsFor = <Status extends number>(status: Status) => ({
  type: Schema.String.annotations({ description: "URN that identifies the problem type; stable across releases." }),
  title: Schema.String.annotations({ description: "Short summary of the problem type." }),
  status: Schema.Literal(status).annotations({ description: "The HTTP status code of the response." }),
  detail: Schema.String.annotations({
    description: "What went wrong and how to fix it; names fields and rules, never a value from a draft."
  })
})

const annotationsFor = <A>(status: number, description: string): Schema.Annotations.Schema<A> => ({
  ...HttpApiSchema.annotations<A>({ status, description }),
  [HttpApiSchema.AnnotationEncoding]: { kind: "Json", contentType: problemContentType }
})

export class BadRequestProblem extends Schema.Class<BadRequestProblem>("BadRequestProblem")(
  fieldsFor(400),
  annotationsFor(400, "The id, a header or the document is invalid.")
) {}

export class UnauthorizedProblem extends Schema.Class<UnauthorizedProblem>("UnauthorizedProblem")(
  fieldsFor(401),
  annotationsFor(401, "The bearer token is missing or invalid.")
) {}

export class NotFoundProblem extends Schema.Class<NotFoundProblem>("NotFoundProblem")(
  fieldsFor(404),
  annotationsFor(404, "No live draft has this id for the token's owner, or no route has this path.")
) {}

export class ConflictProblem extends Schema.Class<ConflictProblem>("ConflictProblem")(
  fieldsFor(409),
  annotationsFor(409, "The draft was submitted and is read-only, or concurrent saves kept replacing it.")
) {}

export class PreconditionFailedProblem extends Schema.Class<PreconditionFailedProblem>("PreconditionFailedProblem")(
  fieldsFor(412),
  annotationsFor(412, "If-Match or If-None-Match does not hold for the current version.")
) {}

export class ContentTooLargeProblem extends Schema.Class<ContentTooLargeProblem>("ContentTooLargeProblem")(
  fieldsFor(413),
  annotationsFor(413, "The request body exceeds the maximum document size.")
) {}

export class UnsupportedMediaTypeProblem extends Schema.Class<UnsupportedMediaTypeProblem>("UnsupportedMediaTypeProblem")(
  fieldsFor(415),
  annotationsFor(415, "The Content-Type is not the one this endpoint accepts.")
) {}

export class PreconditionRequiredProblem extends Schema.Class<PreconditionRequiredProblem>("PreconditionRequiredProblem")(
  fieldsFor(428),
  annotationsFor(428, "The write names no version: If-Match with an ETag, or If-None-Match: * to create.")
) {}

export class InternalErrorProblem extends Schema.Class<InternalErrorProblem>("InternalErrorProblem")(
  fieldsFor(500),
  annotationsFor(500, "A stored draft failed its integrity check, or the server failed unexpectedly.")
) {}

export class ServiceUnavailableProblem extends Schema.Class<ServiceUnavailableProblem>("ServiceUnavailableProblem")(
  fieldsFor(503),
  annotationsFor(503, "A store or key service is unavailable; retry after the Retry-After header's seconds.")
) {}

export type Problem =
  | BadRequestProblem
  | UnauthorizedProblem
  | NotFoundProblem
  | ConflictProblem
  | PreconditionFailedProblem
  | ContentTooLargeProblem
  | UnsupportedMediaTypeProblem
  | PreconditionRequiredProblem
  | InternalErrorProblem
  | ServiceUnavailableProblem

const classByStatus = {
  400: BadRequestProblem,
  401: UnauthorizedProblem,
  404: NotFoundProblem,
  409: ConflictProblem,
  412: PreconditionFailedProblem,
  413: ContentTooLargeProblem,
  415: UnsupportedMediaTypeProblem,
  428: PreconditionRequiredProblem,
  500: InternalErrorProblem,
  503: ServiceUnavailableProblem
} as const

/** The problem class whose status is the status of `kind`. */
export type ProblemOf<K extends ProblemKind> = InstanceType<(typeof classByStatus)[(typeof problemTypes)[K]["status"]]>

const problemClasses: ReadonlyArray<new (...args: never) => Problem> = Object.values(classByStatus)

export const isProblem = (value: unknown): value is Problem => problemClasses.some((problemClass) => value instanceof problemClass)

/** Builds the problem of `kind`. The `detail` must name fields and rules, never a draft's values. */
export const makeProblem = <K extends ProblemKind>(kind: K, detail: string): ProblemOf<K> => {
  const { status, title } = problemTypes[kind]
  const problemClass = classByStatus[status] as unknown as new (props: {
    readonly type: string
    readonly title: string
    readonly status: number
    readonly detail: string
  }) => ProblemOf<K>
  return new problemClass({ type: problemTypeUri(kind), title, status, detail })
}

/** Returns the JSON members of a problem, for responses built outside HttpApi's error encoding. */
export const problemBody = (kind: ProblemKind, detail: string) => {
  const { status, title } = problemTypes[kind]
  return { type: problemTypeUri(kind), title, status, detail }
}
