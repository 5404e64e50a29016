import type { ErrorObject } from 'ajv';
import { RequestValidationError, type FieldError } from './errors';
import { body as bodyValidators, params as paramValidators } from './generated/request-validators';

const describe = (e: ErrorObject, where: 'body' | 'params'): FieldError => {
  const base = where === 'body' ? 'body' : 'parameter';
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const join = (child: string) => (path ? `${path}.${child}` : child);
  switch (e.keyword) {
    case 'required':
      return { field: `${base}:${join(String(e.params.missingProperty))}`, reason: 'is required' };
    case 'additionalProperties':
      return { field: `${base}:${join(String(e.params.additionalProperty))}`, reason: 'is not a known field (check the spelling against the OpenAPI document)' };
    case 'enum':
      return { field: `${base}:${path}`, reason: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { field: `${base}:${path || '(root)'}`, reason: e.message ?? 'is not valid' };
  }
};

const summarise = (errors: FieldError[]): string => {
  const shown = errors.slice(0, 3).map((e) => `${e.field.replace(/^(body|parameter):/, '')} ${e.reason}`);
  return `${shown.join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}.`;
};

/** Drops the noise ajv adds around anyOf so the caller reads one clear reason. */
const simplify = (errors: ErrorObject[], where: 'body' | 'params'): FieldError[] => {
  const anyOf = errors.find((e) => e.keyword === 'anyOf' && e.instancePath === '');
  if (anyOf && where === 'body') {
    const alternatives = errors.filter((e) => e.keyword === 'required' && e.instancePath === '' && e.schemaPath.startsWith('#/anyOf')).map((e) => String(e.params.missingProperty));
    const rest = errors.filter((e) => !e.schemaPath.startsWith('#/anyOf') && e !== anyOf);
    return [{ field: 'body', reason: `must contain one of: ${alternatives.join(', ')}` }, ...rest.map((e) => describe(e, where))];
  }
  return errors.map((e) => describe(e, where));
};

/**
 * Validates a request against the OpenAPI document's schemas (compiled ahead of time by ajv's
 * standalone mode). Parameters are coerced in place (limit "20" → 20, defaults applied).
 * Throws RequestValidationError (400) naming each failing field and why.
 */
export const validateRequest = (operationId: string, parts: { body?: unknown; params?: Record<string, unknown> }): void => {
  const paramValidator = paramValidators[`${operationId}Params`];
  if (paramValidator && parts.params && !paramValidator(parts.params)) {
    const errors = simplify(paramValidator.errors ?? [], 'params');
    throw new RequestValidationError(`Invalid parameters: ${summarise(errors)}`, errors);
  }
  const bodyValidator = bodyValidators[`${operationId}Body`];
  if (bodyValidator && !bodyValidator(parts.body)) {
    const errors = simplify(bodyValidator.errors ?? [], 'body');
    throw new RequestValidationError(`Invalid request body: ${summarise(errors)}`, errors);
  }
};

/** Whether the document declares a JSON body for the operation. */
export const hasBodySchema = (operationId: string): boolean => Boolean(bodyValidators[`${operationId}Body`]);
