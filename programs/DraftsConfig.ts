import { Config, ConfigError, Context, Duration, Either, Layer, Option } from "effect"

/** Limits and timings of the draft programs; every field has a documented default. */
export interface DraftsConfigShape {
  /** Maximum serialized document size in bytes (default 256 KiB). */
  readonly maxDocumentBytes: number
  /** Maximum nesting depth of arrays and objects, the top-level object counting as 1 (default 32). */
  readonly maxDepth: number
  /** A draft expires this long after its last save (default 7 days). */
  readonly idleRetention: Duration.Duration
  /** A draft expires at the latest this long after its creation (default 30 days). */
  readonly maxAge: Duration.Duration
  /** A submitted draft stays readable, and a retried submit returns it, for this long (default 1 hour). */
  readonly submitGrace: Duration.Duration
  /** A pending draft is persisted this long after its last save (default 5 s)... */
  readonly persistDebounce: Duration.Duration
  /** ...and at most this long after its first save not yet durable (default 30 s). */
  readonly persistMaxDelay: Duration.Duration
  /** Drafts pending at once at most (default 100,000); new ones are rejected with 503 beyond it. */
  readonly pendingLimit: number
  /** A claim on a pending draft lasts this long before another instance may take it over (default 30 s). */
  readonly persistLease: Duration.Duration
  /** One data key encrypts at most this many saves (default 2^20, far below the 2^32 GCM bound). */
  readonly dataKeyMaxMessages: number
  /** One data key encrypts for at most this long (default 10 minutes). */
  readonly dataKeyMaxAge: Duration.Duration
  /**
   * Time the hot tier must fail every call before this instance saves straight to the
   * durable tier, and succeed on every call before it stops reading journaled drafts from
   * both tiers (default 5 s). It must exceed the write-behind interval plus the time a failing
   * hot-tier call takes to fail, so every running instance notices an outage before any
   * direct save is acknowledged.
   */
  readonly hotOutageFence: Duration.Duration
  /** Unwrapped data keys kept for reads (default 1,000). */
  readonly unwrappedKeyCacheSize: number
  /** An unwrapped data key stays cached this long (default 10 minutes). */
  readonly unwrappedKeyCacheTtl: Duration.Duration
}

/** Highest accepted `maxDepth`, far below the call stack's limit: the depth check recurses per level. */
export const maxDepthLimit = 1_000

/**
 * Lower bound of `hotOutageFence` in ms: the write-behind loop's interval (adapters/writeBehind.ts),
 * below which an instance may make no hot-tier call at all during the fence delay.
 */
export const minHotOutageFenceMillis = 500

export const defaults: DraftsConfigShape = {
  maxDocumentBytes: 256 * 1024,
  maxDepth: 32,
  idleRetention: Duration.days(7),
  maxAge: Duration.days(30),
  submitGrace: Duration.hours(1),
  persistDebounce: Duration.seconds(5),
  persistMaxDelay: Duration.seconds(30),
  pendingLimit: 100_000,
  persistLease: Duration.seconds(30),
  dataKeyMaxMessages: 2 ** 20,
  dataKeyMaxAge: Duration.minutes(10),
  hotOutageFence: Duration.seconds(5),
  unwrappedKeyCacheSize: 1_000,
  unwrappedKeyCacheTtl: Duration.minutes(10)
}

/** The failure of one setting: its name, the rule it broke and what happens when it is unset. */
const invalid = (name: string, rule: string, fallback: string) =>
  ConfigError.InvalidData([], `${name} is invalid: it must be ${rule}. Fix it, or unset it to use the default (${fallback}).`)

/** Reads a whole number from 1 to `max` in decimal digits; `1e6` and `0x10` are rejected as typos. */
const integer = (name: string, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
  const rule = max === Number.MAX_SAFE_INTEGER ? "a whole number of at least 1" : `a whole number from 1 to ${max}`

  return Config.string(name).pipe(
    Config.mapOrFail((text) => {
      const value = /^\d{1,16}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN
      return value >= 1 && value <= max ? Either.right(value) : Either.left(invalid(name, rule, String(fallback)))
    }),
    Config.withDefault(fallback)
  )
}

/** A duration in Effect's notation, such as "7 days" or "500 millis", of at least `min`. */
const duration = (name: string, fallback: Duration.Duration, min = Duration.millis(1), rule?: string) =>
  Config.string(name).pipe(
    Config.mapOrFail((text) => {
      const value = Duration.decodeUnknown(text.trim())
      return Option.isSome(value) && Duration.greaterThanOrEqualTo(value.value, min)
        ? Either.right(value.value)
        : Either.left(
            invalid(name, rule ?? `a duration such as "7 days", "30 minutes" or "500 millis"`, Duration.format(fallback))
          )
    }),
    Config.withDefault(fallback)
  )

export class DraftsConfig extends Context.Tag("claim-drafts/DraftsConfig")<DraftsConfig, DraftsConfigShape>() {
  static readonly layer = (overrides: Partial<DraftsConfigShape> = {}) =>
    Layer.succeed(DraftsConfig, { ...defaults, ...overrides })

  /**
   * Reads `CLAIM_DRAFTS_*` variables; unset ones keep their defaults. An invalid value fails
   * with a message that names the variable, its rule and the default, and never quotes the value.
   */
  static readonly layerConfig = Layer.effect(
    DraftsConfig,
    Config.all({
      maxDocumentBytes: integer("CLAIM_DRAFTS_MAX_DOCUMENT_BYTES", defaults.maxDocumentBytes),
      maxDepth: integer("CLAIM_DRAFTS_MAX_DEPTH", defaults.maxDepth, maxDepthLimit),
      idleRetention: duration("CLAIM_DRAFTS_RETENTION", defaults.idleRetention),
      maxAge: duration("CLAIM_DRAFTS_MAX_AGE", defaults.maxAge),
      submitGrace: duration("CLAIM_DRAFTS_SUBMIT_GRACE", defaults.submitGrace),
      persistDebounce: duration("CLAIM_DRAFTS_PERSIST_DEBOUNCE", defaults.persistDebounce),
      persistMaxDelay: duration("CLAIM_DRAFTS_PERSIST_MAX_DELAY", defaults.persistMaxDelay),
      pendingLimit: integer("CLAIM_DRAFTS_PENDING_LIMIT", defaults.pendingLimit),
      persistLease: duration("CLAIM_DRAFTS_PERSIST_LEASE", defaults.persistLease),
      dataKeyMaxMessages: integer("CLAIM_DRAFTS_DATA_KEY_MAX_MESSAGES", defaults.dataKeyMaxMessages),
      dataKeyMaxAge: duration("CLAIM_DRAFTS_DATA_KEY_MAX_AGE", defaults.dataKeyMaxAge),
      hotOutageFence: duration(
        "CLAIM_DRAFTS_HOT_OUTAGE_FENCE",
        defaults.hotOutageFence,
        Duration.millis(minHotOutageFenceMillis + 1),
        `longer than ${minHotOutageFenceMillis} ms, the write-behind interval, plus the time a failing hot-tier call takes`
      ),
      unwrappedKeyCacheSize: integer("CLAIM_DRAFTS_KEY_CACHE_SIZE", defaults.unwrappedKeyCacheSize),
      unwrappedKeyCacheTtl: duration("CLAIM_DRAFTS_KEY_CACHE_TTL", defaults.unwrappedKeyCacheTtl)
    })
  )
}
