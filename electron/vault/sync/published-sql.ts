/**
 * The published facts (`shared/sync/publish-batch.ts`) as SQL expressions over the vault's rows, so
 * the outbox triggers (`outbox-triggers.ts`) and the full snapshot build exactly the same operations.
 * Facts only: ids, names, times, status, access settings, the lookup hash and public keys — never
 * `api_keys.material` nor `signing_keys.private_jwk`.
 *
 * The triggers are made from these functions when a vault connects. A change here that alters an
 * operation's shape needs a new migration that recreates the triggers of a vault connected at the
 * time (`createOutboxTriggers` when a `server_connection` row exists, as migration 0005 does).
 */

const bool = (column: string) => `CASE WHEN ${column} THEN json('true') ELSE json('false') END`;

/** `{"op":"putIntegration","integration":{…}}` from an `integrations` row aliased `row`. */
export function putIntegrationSql(row: string): string {
  return `json_object('op', 'putIntegration', 'integration', json_object(
    'integrationId', ${row}.id,
    'integrationName', ${row}.name,
    'neverExpire', ${bool(`${row}.never_expire`)},
    'graceDays', ${row}.grace_days,
    'enabled', ${bool(`${row}.enabled`)},
    'ipAcl', json(${row}.ip_acl),
    'accepts', ${row}.accepts,
    'rateLimit', CASE WHEN ${row}.rate_limit_requests IS NULL THEN json('null')
      ELSE json_object('requests', ${row}.rate_limit_requests, 'windowSeconds', ${row}.rate_limit_window_seconds) END))`;
}

/** `{"op":"putKey","key":{…}}` from an `api_keys` row aliased `row` (never its material). */
export function putKeySql(row: string): string {
  return `json_object('op', 'putKey', 'key', json_object(
    'keyId', ${row}.id,
    'integrationId', ${row}.integration_id,
    'lookupHash', ${row}.lookup_hash,
    'status', ${row}.status,
    'createdAt', ${row}.created_at,
    'expiresAt', ${row}.expires_at,
    'graceEndsAt', ${row}.grace_ends_at,
    'endedAt', ${row}.ended_at))`;
}

/**
 * `{"op":"putSigningKey","signingKey":{kid,x,createdAt,retiredAt}}` from a `signing_keys` row
 * (public half only; `retiredAt` null while the key is current).
 */
export function putSigningKeySql(row: string): string {
  return `json_object('op', 'putSigningKey', 'signingKey', json_object(
    'kid', ${row}.kid,
    'x', json_extract(${row}.public_jwk, '$.x'),
    'createdAt', ${row}.created_at,
    'retiredAt', ${row}.retired_at))`;
}
