import { createRedactor, REDACTED } from '@iac-review/logger';
import type { ResourceChange, ValuePath } from './types';

/** What the model sees of one change: no sensitive values, no caller-only fields. */
export interface PromptChange {
  address: string;
  type: string;
  actions: string[];
  before?: unknown;
  after?: unknown;
}

const redactSecretKeys = createRedactor();

/** Parses `a.b[0]["x.y"].c` into segments; arrays are taken as they are. */
export const parseValuePath = (path: ValuePath): Array<string | number> => {
  if (typeof path !== 'string') return [...path];
  const out: Array<string | number> = [];
  const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\[(?:'([^']*)')\]|([^.[\]]+)/g;
  for (const m of path.matchAll(re)) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(m[2].replace(/\\(.)/g, '$1'));
    else if (m[3] !== undefined) out.push(m[3]);
    else if (m[4] !== undefined) out.push(m[4]);
  }
  return out;
};

const cloneJson = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** Replaces the value at `segments` (if present) by the redaction marker, in place. */
const redactAt = (root: unknown, segments: ReadonlyArray<string | number>): unknown => {
  if (segments.length === 0) return root === undefined ? undefined : REDACTED;
  let node: unknown = root;
  for (let i = 0; i < segments.length - 1; i++) {
    if (node === null || typeof node !== 'object') return root;
    node = (node as Record<string, unknown>)[String(segments[i])];
  }
  const last = String(segments[segments.length - 1]);
  if (node !== null && typeof node === 'object' && Object.prototype.hasOwnProperty.call(node, last)) {
    (node as Record<string, unknown>)[last] = REDACTED;
  }
  return root;
};

/**
 * Defence in depth before anything reaches a prompt: secret-looking keys and `Sensitive` values are
 * redacted (the logger's redactor), then every `sensitivePaths` entry is redacted in both `before`
 * and `after`. The caller's object is not modified.
 */
export const sanitiseChange = (change: ResourceChange): PromptChange => {
  const paths = (change.sensitivePaths ?? []).map(parseValuePath);
  const clean = (value: unknown): unknown => {
    if (value === undefined) return undefined;
    let copy = cloneJson(redactSecretKeys(value));
    for (const p of paths) copy = redactAt(copy, p);
    return copy;
  };
  const out: PromptChange = { address: change.address, type: change.type, actions: [...change.actions] };
  if (change.before !== undefined) out.before = clean(change.before);
  if (change.after !== undefined) out.after = clean(change.after);
  return out;
};
