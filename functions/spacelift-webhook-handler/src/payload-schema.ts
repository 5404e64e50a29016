/**
 * JSON Schemas of the two Spacelift payloads this webhook accepts. Unknown extra fields are fine
 * (Spacelift adds fields over time); wrong types are refused with the field's path. Compiled ahead
 * of time into src/generated/payload-validator.js by `scripts/codegen.ts` (ajv standalone), so the
 * Lambda carries no schema compiler.
 *
 * 1. The default run-event payload of a named webhook:
 *    `{account, state, stateVersion, timestamp, run{id, type, branch, commit{…}, delta, triggeredBy, url}, stack{id, name, labels}}`.
 * 2. A notification-policy `run_updated` payload (the policy's `input.run_updated`, optionally with
 *    `account`), or the policy's whole input `{account{name}, run_updated{…}}`:
 *    `{state, username, run{id, type, changes[]{action, entity{address, type, data}, phase}, updated_at, …}, stack{id, repository, namespace, …}, urls{run}}`.
 */

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const num = { type: 'number' } as const;

const defaultCommit = {
  type: 'object',
  properties: { authorLogin: nullableStr, authorName: nullableStr, hash: str, message: nullableStr, timestamp: num, url: nullableStr },
} as const;

/** The default run-event payload. */
export const defaultRunEventSchema = {
  type: 'object',
  required: ['account', 'state', 'stateVersion', 'timestamp', 'run', 'stack'],
  properties: {
    account: { type: 'string', minLength: 1, maxLength: 100 },
    state: { type: 'string', minLength: 1, maxLength: 50 },
    stateVersion: { type: 'integer', minimum: 0 },
    timestamp: { type: 'integer', minimum: 0 },
    run: {
      type: 'object',
      required: ['id', 'type'],
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 100 },
        type: { type: 'string', minLength: 1, maxLength: 50 },
        branch: nullableStr,
        commit: defaultCommit,
        createdAt: num,
        delta: {
          type: 'object',
          properties: { added: { type: 'integer' }, changed: { type: 'integer' }, deleted: { type: 'integer' }, resources: { type: 'integer' } },
        },
        triggeredBy: nullableStr,
        url: nullableStr,
      },
    },
    stack: {
      type: 'object',
      required: ['id'],
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 200 },
        name: nullableStr,
        description: nullableStr,
        labels: { type: 'array', items: str },
      },
    },
  },
} as const;

const policyCommit = {
  type: 'object',
  properties: { author: nullableStr, branch: nullableStr, created_at: num, hash: str, message: nullableStr, url: nullableStr },
} as const;

/** `input.run_updated` of a notification policy. */
export const runUpdatedSchema = {
  type: 'object',
  required: ['run', 'stack'],
  properties: {
    account: {
      anyOf: [
        { type: 'string', minLength: 1, maxLength: 100 },
        { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 100 } } },
      ],
    },
    state: { type: 'string', minLength: 1, maxLength: 50 },
    username: nullableStr,
    note: nullableStr,
    run: {
      type: 'object',
      required: ['id', 'type', 'state', 'updated_at'],
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 100 },
        type: { type: 'string', minLength: 1, maxLength: 50 },
        state: { type: 'string', minLength: 1, maxLength: 50 },
        branch: nullableStr,
        changes: {
          type: 'array',
          maxItems: 20000,
          items: {
            type: 'object',
            required: ['action', 'entity'],
            properties: {
              action: str,
              entity: {
                type: 'object',
                properties: {
                  address: str,
                  name: nullableStr,
                  type: nullableStr,
                  entity_type: nullableStr,
                  entity_vendor: nullableStr,
                  data: { type: ['object', 'null'] },
                },
              },
              phase: nullableStr,
              moved: { type: ['boolean', 'null'] },
            },
          },
        },
        commit: policyCommit,
        created_at: num,
        updated_at: num,
        triggered_by: nullableStr,
        drift_detection: { type: ['boolean', 'null'] },
      },
    },
    stack: {
      type: 'object',
      required: ['id'],
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 200 },
        name: nullableStr,
        repository: nullableStr,
        namespace: nullableStr,
        branch: nullableStr,
        labels: { type: 'array', items: str },
      },
    },
    urls: { type: 'object', properties: { run: nullableStr } },
  },
} as const;

/** Either payload: the shape is told apart by `run_updated` (policy input), `stateVersion` (default) or neither (run_updated object). */
export const spaceliftPayloadSchema = {
  $id: 'https://iac-review.dev/schemas/spacelift-webhook.json',
  definitions: { runUpdated: runUpdatedSchema },
  type: 'object',
  if: { required: ['run_updated'] },
  then: {
    properties: {
      account: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 100 } } },
      run_updated: { $ref: '#/definitions/runUpdated' },
    },
  },
  else: {
    if: { required: ['stateVersion'] },
    then: defaultRunEventSchema,
    else: { $ref: '#/definitions/runUpdated' },
  },
} as const;
