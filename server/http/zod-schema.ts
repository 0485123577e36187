import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';

const zodOf = new WeakMap<object, z.ZodType>();

/**
 * A route schema from a zod schema: the JSON Schema goes into the route (and from there into the
 * OpenAPI document), and {@link zodValidatorCompiler} validates with the zod schema itself, so
 * there is one definition of each body.
 */
export function zodJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  zodOf.set(json, schema);
  return json;
}

/** Fastify validator compiler for schemas made by {@link zodJsonSchema} (others pass through). */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema }) => {
  const zod = zodOf.get(schema as object);
  if (zod === undefined) {
    return (data: unknown) => ({ value: data });
  }
  return (data: unknown) => {
    const result = zod.safeParse(data);
    if (result.success) {
      return { value: result.data };
    }
    const issue = result.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
    return { error: new Error(`${where}${issue?.message ?? 'invalid'}`) };
  };
};
