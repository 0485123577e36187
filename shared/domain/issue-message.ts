/** The part of a zod issue an error message needs (zod's own `$ZodIssue` fits). */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * One schema issue as a sentence for people: the message, prefixed with the field's path only when
 * the message does not already name it. Keyward's schemas name their field in their messages
 * (`name must be at most 100 characters`), so this never gives "name: name must…"; zod's own
 * messages (`Invalid input`) still say which field.
 */
export function describeIssue(issue: SchemaIssue | undefined, fallback = 'invalid input'): string {
  if (issue === undefined) {
    return fallback;
  }
  const path = issue.path.map(String).join('.');
  const field = issue.path.length > 0 ? String(issue.path.at(-1)) : '';
  if (path === '' || issue.message.startsWith(path) || (field !== '' && issue.message.startsWith(field))) {
    return issue.message;
  }
  return `${path}: ${issue.message}`;
}
