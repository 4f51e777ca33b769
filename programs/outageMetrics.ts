import { Metric } from "effect"

/** Metrics of hot-tier outage handling; no label carries an id. */

export const verifyModeGauge = Metric.gauge("claim_drafts_hot_verify_mode", {
  description: "1 while this instance reads journaled drafts from both tiers after a hot-tier outage, else 0"
})

export const directSavesOpenGauge = Metric.gauge("claim_drafts_direct_saves_open", {
  description: "1 while this instance saves straight to the durable tier because the hot tier is down, else 0"
})

export const directSavesCounter = Metric.counter("claim_drafts_direct_saves_total", {
  description: "Saves acknowledged from the durable tier alone while the hot tier was down",
  incremental: true
})

export const hotRepairsCounter = Metric.counter("claim_drafts_hot_repairs_total", {
  description: "Hot records replaced by a newer version that was saved directly to the durable tier",
  incremental: true
})
