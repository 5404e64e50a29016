import document from './openapi.json';

/** The OpenAPI 3 document: the single source of truth for routes, auth and schemas. */
export const openApiDocument = document as unknown as { openapi: string; info: { version: string }; paths: Record<string, Record<string, unknown>>; components: Record<string, unknown> };
