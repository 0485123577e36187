import type { FastifyInstance, RouteOptions } from 'fastify';

declare module 'fastify' {
  /** The OpenAPI documentation a route schema may carry (read by {@link collectOpenApi}). */
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: readonly string[];
    security?: readonly Record<string, readonly string[]>[];
    /** Leave the route out of the document. */
    hide?: boolean;
  }
}

interface RouteDoc {
  method: string;
  url: string;
  schema: Record<string, unknown>;
}

/**
 * Collects the routes' schemas as they are registered (call before registering routes) and builds
 * the OpenAPI 3.1 document from them: the document is generated, never written by hand.
 */
export function collectOpenApi(app: FastifyInstance): () => Record<string, unknown> {
  const routes: RouteDoc[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    if (schema.hide === true) {
      return;
    }
    for (const method of methods) {
      if (method !== 'HEAD') {
        routes.push({ method: method.toLowerCase(), url: route.url, schema });
      }
    }
  });
  return () => {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of routes) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const responses: Record<string, unknown> = {};
      for (const [status, body] of Object.entries((route.schema.response ?? {}) as Record<string, unknown>)) {
        const description = (body as { description?: string }).description ?? `HTTP ${status}`;
        responses[status] = { description, content: { 'application/json': { schema: body } } };
      }
      const operation: Record<string, unknown> = {
        summary: route.schema.summary,
        description: route.schema.description,
        tags: route.schema.tags,
        responses,
      };
      if (route.schema.body !== undefined) {
        operation.requestBody = { content: { 'application/json': { schema: route.schema.body } } };
      }
      const params = route.schema.params as { properties?: Record<string, unknown> } | undefined;
      if (params?.properties !== undefined) {
        operation.parameters = Object.entries(params.properties).map(([name, schema]) => ({
          name,
          in: 'path',
          required: true,
          schema,
        }));
      }
      if (route.schema.security !== undefined) {
        operation.security = route.schema.security;
      }
      paths[path] = { ...(paths[path] ?? {}), [route.method]: operation };
    }
    return {
      openapi: '3.1.0',
      info: { title: 'Keyward server', version: '1' },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      paths,
    };
  };
}
