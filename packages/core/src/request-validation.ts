import type { ErrorObject } from 'ajv';
import { RequestValidationError, type FieldError } from './errors';
import validatorNames from './generated/request-validator-names.json';
import { loadOnce } from './load-once';
import { describeSchemaErrors, summariseFieldErrors } from './validation';

const withBody = new Set(validatorNames.body);
const withParams = new Set(validatorNames.params);

/**
 * The compiled validators (~50 KB of code) are loaded on the first request that has something to
 * validate: a cold start answering GET /health or a refused request never loads them.
 */
type Validators = typeof import('./generated/request-validators');
// The generated module is CommonJS: as an ES module (the bundles) its exports are `default`.
const loadValidators = loadOnce(() => import('./generated/request-validators').then((m: Validators & { default?: Validators }) => m.default ?? m));

const simplify = (errors: ErrorObject[], where: 'body' | 'params'): FieldError[] => {
  const anyOf = errors.find((e) => e.keyword === 'anyOf' && e.instancePath === '');
  if (anyOf && where === 'body') {
    const alternatives = errors.filter((e) => e.keyword === 'required' && e.instancePath === '' && e.schemaPath.startsWith('#/anyOf')).map((e) => String(e.params.missingProperty));
    const rest = errors.filter((e) => !e.schemaPath.startsWith('#/anyOf') && e !== anyOf);
    return [{ field: 'body', reason: `must contain one of: ${alternatives.join(', ')}` }, ...describeSchemaErrors(rest)];
  }
  return describeSchemaErrors(errors, { where: where === 'body' ? 'body' : 'parameter' });
};

/**
 * Validates a request against the OpenAPI document's schemas (compiled ahead of time by ajv's
 * standalone mode). Parameters are coerced in place (limit "20" → 20, defaults applied).
 * Rejects with RequestValidationError (400) naming each failing field and why.
 */
export const validateRequest = async (operationId: string, parts: { body?: unknown; params?: Record<string, unknown> }): Promise<void> => {
  const checkParams = withParams.has(operationId) && parts.params !== undefined;
  const checkBody = withBody.has(operationId);
  if (!checkParams && !checkBody) return;
  const { body: bodyValidators, params: paramValidators } = await loadValidators();
  const paramValidator = checkParams ? paramValidators[`${operationId}Params`] : undefined;
  if (paramValidator && parts.params && !paramValidator(parts.params)) {
    const errors = simplify(paramValidator.errors ?? [], 'params');
    throw new RequestValidationError(`Invalid parameters: ${summariseFieldErrors(errors)}`, errors);
  }
  const bodyValidator = checkBody ? bodyValidators[`${operationId}Body`] : undefined;
  if (bodyValidator && !bodyValidator(parts.body)) {
    const errors = simplify(bodyValidator.errors ?? [], 'body');
    throw new RequestValidationError(`Invalid request body: ${summariseFieldErrors(errors)}`, errors);
  }
};

/** Whether the document declares a JSON body for the operation. */
export const hasBodySchema = (operationId: string): boolean => withBody.has(operationId);
