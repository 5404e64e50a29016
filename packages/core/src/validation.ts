import type { FieldError } from './errors';

/** The parts of an ajv error object a description reads (ajv's ErrorObject satisfies it; no ajv needed at run time). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface DescribeSchemaErrorsOptions {
  /** What the fields are named after: `body:<path>` (default) or `parameter:<name>`. */
  where?: 'body' | 'parameter';
  /** The reason given for a field the schema does not know (default: check it against the OpenAPI document). */
  unknownField?: string;
}

const UNKNOWN_FIELD = 'is not a known field (check the spelling against the OpenAPI document)';

/** A JSON pointer (`/run/state~1version`) as a dotted path (`run.state/version`); '' for the root. */
const dotted = (pointer: string): string =>
  pointer
    .split('/')
    .filter((p) => p.length > 0)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');

const describe = (e: SchemaError, base: 'body' | 'parameter', unknownField: string): FieldError => {
  const path = dotted(e.instancePath);
  const join = (child: string) => (path ? `${path}.${child}` : child);
  switch (e.keyword) {
    case 'required':
      return { field: `${base}:${join(String(e.params.missingProperty))}`, reason: 'is required' };
    case 'additionalProperties':
      return { field: `${base}:${join(String(e.params.additionalProperty))}`, reason: unknownField };
    case 'enum':
      return { field: `${base}:${path || '(root)'}`, reason: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { field: `${base}:${path || '(root)'}`, reason: e.message ?? 'is not valid' };
  }
};

/**
 * ajv errors → one field error each, named `body:run.stateVersion` (or `parameter:limit`) with a
 * reason the sender can act on; the same field and reason twice is reported once.
 */
export const describeSchemaErrors = (errors: readonly SchemaError[], o: DescribeSchemaErrorsOptions = {}): FieldError[] => {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const fe = describe(e, o.where ?? 'body', o.unknownField ?? UNKNOWN_FIELD);
    const k = `${fe.field} ${fe.reason}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(fe);
    }
  }
  return out;
};

/** The sentence a 400's detail ends with: the first three fields and why, and how many more. */
export const summariseFieldErrors = (errors: readonly FieldError[]): string => {
  const shown = errors.slice(0, 3).map((e) => `${e.field.replace(/^(body|parameter):/, '')} ${e.reason}`);
  return `${shown.join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}.`;
};

/** Drops the noise ajv adds around anyOf so the caller reads one clear reason. */
