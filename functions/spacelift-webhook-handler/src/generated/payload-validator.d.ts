/* GENERATED alongside payload-validator.js. Do not edit. */
import type { ValidateFunction } from 'ajv';
export declare const validateSpaceliftPayload: ValidateFunction;
