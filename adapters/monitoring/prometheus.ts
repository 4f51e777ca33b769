import { Effect, Metric, MetricKeyType, MetricState } from "effect"

const escapeLabel = (value: string): string => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")

const labelsOf = (tags: ReadonlyArray<{ readonly key: string; readonly value: string }>): string =>
  tags.length === 0 ? "" : `{${tags.map((tag) => `${tag.key}="${escapeLabel(tag.value)}"`).join(",")}}`

/**
 * Renders the process's counters and gauges in the Prometheus text exposition format
 * (version 0.0.4). Other metric kinds are left out. Labels carry tier names and error tags
 * only, never ids or draft content.
 */
export const renderMetrics: Effect.Effect<string> = Effect.map(Metric.snapshot, (pairs) => {
  const families = new Map<string, { type: string; help: string; lines: Array<string> }>()

  for (const pair of pairs) {
    const key = pair.metricKey
    const state = pair.metricState
    let type: string
    let value: number
    if (MetricKeyType.isCounterKey(key.keyType) && MetricState.isCounterState(state)) {
      type = "counter"
      value = Number(state.count)
    } else if (MetricKeyType.isGaugeKey(key.keyType) && MetricState.isGaugeState(state)) {
      type = "gauge"
      value = Number(state.value)
    } else {
      continue
    }

    const family = families.get(key.name) ?? { type, help: key.description._tag === "Some" ? key.description.value : key.name, lines: [] }
    family.lines.push(`${key.name}${labelsOf(key.tags)} ${value}`)
    families.set(key.name, family)
  }

  const blocks = [...families].map(([name, family]) =>
    [`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`, ...family.lines].join("\n")
  )
  return blocks.length === 0 ? "" : `${blocks.join("\n")}\n`
})
