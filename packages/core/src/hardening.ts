import { RequestValidationError } from './errors';
import { openApiDocument } from './openapi';

/**
 * Input checks that run before validation and before any code that recurses or trusts text:
 * plain decimal integers in parameters, no control or bidirectional-override characters in
 * free text, and filters that cannot be combined.
 */

/** Plain decimal digits only: no sign, exponent, hex, spaces (ajv's coercion would take `0x1`, `1e0`, ` 1`). */
const DECIMAL = /^[0-9]{1,15}$/;

interface ParamSpec {
  name: string;
  in: string;
  schema?: { type?: string };
}

/** Integer parameters per operation, read from the document once (not on every request). */
const integerParamsByOperation = new Map<string, string[]>();
const integerParams = (resource: string, method: string): string[] => {
  const key = `${method.toUpperCase()} ${resource}`;
  let names = integerParamsByOperation.get(key);
  if (!names) {
    const op = openApiDocument.paths[resource]?.[method.toLowerCase()] as { parameters?: ParamSpec[] } | undefined;
    names = (op?.parameters ?? []).filter((p) => (p.in === 'path' || p.in === 'query') && p.schema?.type === 'integer').map((p) => p.name);
    integerParamsByOperation.set(key, names);
  }
  return names;
};

/** Integer parameters must be written as plain decimal digits (`/versions/0x1` is not version 1). */
export const checkIntegerParams = (resource: string, method: string, params: Record<string, unknown>): void => {
  for (const name of integerParams(resource, method)) {
    const v = params[name];
    if (typeof v === 'string' && !DECIMAL.test(v)) {
      throw new RequestValidationError(`${name} must be written as plain decimal digits (such as 3), not ${JSON.stringify(v.slice(0, 40))}.`, [{ field: `parameter:${name}`, reason: 'must be plain decimal digits' }]);
    }
  }
};

/**
 * C0 and C1 control characters, DEL, and the Unicode bidirectional embeddings, overrides and
 * isolates (U+202A–U+202E, U+2066–U+2069) plus the line/paragraph separators: they let text
 * render differently from what it is ("Trojan Source"), or break log lines and terminals.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;
/** Multi-line free text (comments) may contain line feeds, carriage returns and tabs. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

const describeChar = (c: string): string => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

const checkText = (field: string, value: unknown, multiline: boolean): void => {
  if (typeof value !== 'string') return;
  const m = (multiline ? FORBIDDEN_MULTILINE : FORBIDDEN_LINE).exec(value);
  if (m) {
    throw new RequestValidationError(
      `${field} contains the character ${describeChar(m[0])} at position ${m.index}: control characters and bidirectional overrides are not allowed in text${multiline ? ' (line breaks and tabs are)' : ''}.`,
      [{ field: `body:${field}`, reason: 'contains a control or bidirectional-override character' }],
    );
  }
};

/** Free-text fields per operation: `true` = may span lines. */
const FREE_TEXT: Record<string, Record<string, boolean>> = {
  createReview: { title: false, repository: false, stack: false, ref: false },
  postReviewFeedback: { comment: true, findingId: false },
};

export const checkFreeText = (operationId: string, body: unknown): void => {
  const fields = FREE_TEXT[operationId];
  if (!fields || !body || typeof body !== 'object') return;
  for (const [field, multiline] of Object.entries(fields)) checkText(field, (body as Record<string, unknown>)[field], multiline);
  if (operationId === 'createReview') {
    const files = (body as { files?: unknown }).files;
    if (Array.isArray(files)) files.forEach((f, i) => checkText(`files[${i}].path`, (f as { path?: unknown } | null)?.path, false));
  }
};

/** Query filters in text: a repository or stack with control characters cannot match anything. */
export const checkQueryText = (params: Record<string, unknown>): void => {
  for (const name of ['repository', 'stack', 'cursor']) {
    const v = params[name];
    if (typeof v === 'string' && FORBIDDEN_LINE.test(v)) {
      throw new RequestValidationError(`${name} contains a control or bidirectional-override character.`, [{ field: `parameter:${name}`, reason: 'contains a control or bidirectional-override character' }]);
    }
  }
};

/** Listing uses one index, by repository or by stack: the two filters together are refused, not half-applied. */
export const checkListFilters = (operationId: string, params: Record<string, unknown>): void => {
  if (operationId === 'listReviews' && params.repository !== undefined && params.stack !== undefined) {
    throw new RequestValidationError('Filter by repository or by stack, not both (a listing follows one of them); send one and filter the rest client-side.', [
      { field: 'parameter:stack', reason: 'cannot be combined with repository' },
    ]);
  }
};
