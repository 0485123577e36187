/** The master password's bounds (the engine enforces them; the create screen checks as you type). */
export const MASTER_PASSWORD_MIN_LENGTH = 8;
/** Upper bound, so a pasted file cannot become a password. */
export const MASTER_PASSWORD_MAX_LENGTH = 1024;
