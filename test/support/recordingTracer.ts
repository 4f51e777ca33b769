import { Tracer } from "effect"

/** One span as the tracer saw it: everything an exporter could send. */
export interface RecordedSpan {
  readonly name: string
  readonly traceId: string
  readonly kind: Tracer.SpanKind
  readonly attributes: Map<string, unknown>
  readonly events: Array<{ readonly name: string; readonly attributes: Record<string, unknown> }>
  readonly links: Array<Tracer.SpanLink>
}

/** Creates a tracer that keeps every span in memory, for tests that inspect what would be exported. */
export const makeRecordingTracer = () => {
  const spans: Array<RecordedSpan> = []

  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const traceId = parent._tag === "Some" ? parent.value.traceId : `trace-${spans.length + 1}`
      const recorded: RecordedSpan = { name, traceId, kind, attributes: new Map(), events: [], links: [...links] }
      spans.push(recorded)

      let status: Tracer.SpanStatus = { _tag: "Started", startTime }
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: `span-${spans.length}`,
        traceId,
        parent,
        context,
        get status() {
          return status
        },
        get attributes() {
          return recorded.attributes as ReadonlyMap<string, unknown>
        },
        links: recorded.links,
        sampled: true,
        kind,
        end: (endTime, exit) => {
          status = { _tag: "Ended", startTime, endTime, exit }
        },
        attribute: (key, value) => {
          recorded.attributes.set(key, value)
        },
        event: (eventName, _time, attributes) => {
          recorded.events.push({ name: eventName, attributes: attributes ?? {} })
        },
        addLinks: (added) => {
          recorded.links.push(...added)
        }
      }
      return span
    },
    context: (execute) => execute()
  })

  return { tracer, spans }
}

/** Every string a span would export: its name, attribute keys and values, events and links. */
export const exportedText = (span: RecordedSpan): string =>
  JSON.stringify({
    name: span.name,
    attributes: [...span.attributes].map(([key, value]) => [key, String(value)]),
    events: span.events,
    links: span.links.map((link) => link.attributes)
  })
