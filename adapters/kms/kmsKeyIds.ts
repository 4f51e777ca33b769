/**
 * KMS key identifiers as configured and as stored. A configured key is a key ARN or a bare
 * key id. KMS returns the key ARN, which is what envelopes store. Aliases are not
 * accepted, because an alias can be moved to another key, and a stored key id must name
 * the key that wrapped the data key for as long as the draft exists.
 */

/** A KMS key ARN split into the parts that identify the key. */
export interface KeyArn {
  readonly arn: string
  readonly region: string
  readonly account: string
  readonly keyId: string
}

/** A configured key: either a full key ARN, or a bare key id in the client's region and account. */
export type ConfiguredKey =
  | { readonly _tag: "Arn"; readonly arn: KeyArn }
  | { readonly _tag: "KeyId"; readonly keyId: string; readonly region: string }

// A single-Region key id is a UUID; a multi-Region key id is "mrk-" and 32 hex digits.
const keyIdPattern = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/

const keyArnPattern = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/([^/]+)$/

export const parseKeyArn = (value: string): KeyArn | undefined => {
  const match = keyArnPattern.exec(value)
  if (match === null) return undefined

  const [, region, account, keyId] = match as unknown as [string, string, string, string]
  return keyIdPattern.test(keyId) ? { arn: value, region, account, keyId } : undefined
}

export const isAlias = (value: string): boolean => value.startsWith("alias/") || /^arn:aws[a-z-]*:kms:[^:]*:\d{12}:alias\//.test(value)

/** Parses a configured key id or key ARN; `region` is the client's, which a bare key id lives in. */
export const parseConfiguredKey = (value: string, region: string): ConfiguredKey | undefined => {
  const arn = parseKeyArn(value)
  if (arn !== undefined) return { _tag: "Arn", arn }

  return keyIdPattern.test(value) ? { _tag: "KeyId", keyId: value, region } : undefined
}

/** Whether the key ARN that KMS returned or an envelope stored names the configured key. */
export const matchesConfiguredKey = (configured: ConfiguredKey, arn: KeyArn): boolean =>
  configured._tag === "Arn"
    ? configured.arn.arn === arn.arn
    : configured.keyId === arn.keyId && configured.region === arn.region
