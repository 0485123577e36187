/**
 * A key prefix: 2–8 characters of `[a-z0-9]`, ending in `_`. Its own module, free of zod, so that
 * what formats and redacts keys (and through it the CLI's start-up and its error output) does not
 * load the schemas of shared/domain.
 */
export const PREFIX_PATTERN = /^[a-z0-9]{1,7}_$/;

/** The length {@link PREFIX_PATTERN} allows, the `_` included (for messages and help texts). */
export const PREFIX_LENGTH = { min: 2, max: 8 } as const;
