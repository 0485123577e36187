/** The registered claims of RFC 7519 §4.1 that are well typed; times in epoch milliseconds. */
export interface RegisteredClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  /** Expiry, epoch ms (the claim's NumericDate seconds × 1000, rounded). */
  exp?: number;
  /** Not before, epoch ms. */
  nbf?: number;
  /** Issued at, epoch ms. */
  iat?: number;
  jti?: string;
}

/** Registered claims read from a claims set, and what was wrong with the ones left out. */
export interface RegisteredClaimsReading {
  registered: RegisteredClaims;
  /** One line per malformed registered claim, e.g. `"exp" is not a NumericDate …`. */
  warnings: string[];
}

const MAX_TIME_MS = 8.64e15;

function typeName(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'an object';
  }
}

/**
 * Reads `iss`, `sub`, `aud`, `exp`, `nbf`, `iat` and `jti` from a claims set. A claim of the wrong
 * type is left out with a warning instead of failing the whole decode, so the user still sees the rest.
 */
export function readRegisteredClaims(claims: Readonly<Record<string, unknown>>): RegisteredClaimsReading {
  const registered: RegisteredClaims = {};
  const warnings: string[] = [];
  for (const name of ['iss', 'sub', 'jti'] as const) {
    const value = claims[name];
    if (typeof value === 'string') {
      registered[name] = value;
    } else if (value !== undefined) {
      warnings.push(`"${name}" should be a string, got ${typeName(value)}`);
    }
  }
  const aud = claims.aud;
  if (typeof aud === 'string' || (Array.isArray(aud) && aud.every((entry) => typeof entry === 'string'))) {
    registered.aud = typeof aud === 'string' ? aud : ([...aud] as string[]);
  } else if (aud !== undefined) {
    warnings.push(`"aud" should be a string or an array of strings, got ${typeName(aud)}`);
  }
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    const value = claims[name];
    if (typeof value === 'number') {
      const ms = Math.round(value * 1000);
      if (Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME_MS) {
        registered[name] = ms;
      } else {
        warnings.push(`"${name}" is out of the range of dates`);
      }
    } else if (value !== undefined) {
      warnings.push(`"${name}" should be a NumericDate (seconds since 1970), got ${typeName(value)}`);
    }
  }
  return { registered, warnings };
}
