import type { Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';

/** Keys under `paths` that only document (people and generators read them; the functions never do). */
const DOC_ONLY = new Set(['description', 'summary', 'example', 'examples', 'externalDocs', 'tags', 'requestBody', 'responses']);

const strip = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(strip);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => !DOC_ONLY.has(k)).map(([k, x]) => [k, strip(x)]));
};

/**
 * The OpenAPI document as a function reads it at run time: routes (path templates, methods,
 * operationId, x-iac-review-* extensions), parameters and security. Descriptions, examples, request
 * and response schemas and components stay out of the zip: request bodies are checked by the
 * validators compiled ahead of time (packages/core/src/generated), not by reading the document.
 */
export const slimOpenApi = (doc: Record<string, unknown>): Record<string, unknown> => {
  const info = doc.info as { version?: unknown } | undefined;
  return {
    openapi: doc.openapi,
    info: { version: info?.version },
    ...(doc.security ? { security: doc.security } : {}),
    paths: strip(doc.paths),
  };
};

/** esbuild plugin: packages/core/src/openapi.json is bundled in its slim form. */
export const slimOpenApiPlugin: Plugin = {
  name: 'slim-openapi',
  setup(build) {
    build.onLoad({ filter: /[\\/]packages[\\/]core[\\/]src[\\/]openapi\.json$/ }, (args) => ({
      contents: JSON.stringify(slimOpenApi(JSON.parse(readFileSync(args.path, 'utf8')) as Record<string, unknown>)),
      loader: 'json',
    }));
  },
};
