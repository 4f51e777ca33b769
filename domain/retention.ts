import type { RecordHeader } from "./record.ts"

/** Retention rules in epoch milliseconds. */
export interface RetentionPolicy {
  readonly idleMillis: number
  readonly maxAgeMillis: number
  readonly submitGraceMillis: number
}

/** A draft lives `idle` past its last save, but never past `maxAge` from its creation. */
export const draftExpiry = (policy: RetentionPolicy, createdAt: number, savedAt: number): number =>
  Math.min(savedAt + policy.idleMillis, createdAt + policy.maxAgeMillis)

/** A submitted draft stays readable for the grace period after submission, then reads as not found. */
export const submittedExpiry = (policy: RetentionPolicy, submittedAt: number): number =>
  submittedAt + policy.submitGraceMillis

/** Expired records read as not found everywhere, whatever the storage still holds. */
export const isExpired = (header: Pick<RecordHeader, "expiresAt">, now: number): boolean =>
  now >= header.expiresAt
