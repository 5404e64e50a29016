import { randomBytes } from 'node:crypto';

/** A fresh, unguessable nonce for the tags around untrusted data (one per request). */
export const createNonce = (): string => randomBytes(12).toString('hex');

/**
 * Serialises `data` as JSON in which `<`, `>` and `&` are escaped as \u003c, \u003e and \u0026
 * (still valid JSON with the same value), so the data can never contain a tag, let alone the closing
 * tag of its own block.
 */
export const toInertJson = (data: unknown): string =>
  JSON.stringify(data, null, 0)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');

/** Wraps untrusted data in `<name nonce="…">…</name nonce="…">` tags. */
export const untrustedBlock = (name: string, nonce: string, data: unknown): string =>
  `<${name} nonce="${nonce}">\n${toInertJson(data)}\n</${name} nonce="${nonce}">`;
