/**
 * The webhook's field wording comes from core's describeSchemaErrors / summariseFieldErrors; these
 * pin the messages a sender sees (unchanged by sharing the code) and the raw body handed on.
 */
import Ajv from 'ajv';
import { captureLogger } from '@iac-review/logger/testing';
import { jsonResponse } from '@iac-review/core';
import { describeSchemaErrors, payloadValidationError, createWebhookHandler, staticSecretProvider, type PayloadValidator } from '../src/index';
import { httpEvent, sign } from './support/sign';

const validate = new Ajv({ allErrors: true }).compile({
  type: 'object',
  required: ['run'],
  additionalProperties: false,
  properties: {
    run: { type: 'object', additionalProperties: false, required: ['state'], properties: { state: { enum: ['FINISHED', 'FAILED'] }, 'a/b': { type: 'integer' } } },
  },
}) as PayloadValidator;

describe('webhook payload problems', () => {
  it('should word schema errors for a sender: dotted fields, plain unknown-field reason', () => {
    // Act
    validate({ run: { state: 'NOPE', 'a/b': 'x', colour: 1 }, extra: true });
    const errors = describeSchemaErrors(validate.errors ?? []);
    // Assert
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'body:extra', reason: 'is not a known field' },
        { field: 'body:run.colour', reason: 'is not a known field' },
        { field: 'body:run.state', reason: 'must be one of "FINISHED", "FAILED"' },
        { field: 'body:run.a/b', reason: 'must be integer' },
      ]),
    );
    expect(errors).toHaveLength(4);
  });

  it('should build the 400 detail from the first three fields', () => {
    // Act
    const err = payloadValidationError(
      [
        { field: 'body:run.state', reason: 'is required' },
        { field: 'body:run.id', reason: 'must be string' },
        { field: 'body:extra', reason: 'is not a known field' },
        { field: 'body:more', reason: 'is not a known field' },
      ],
      'spacelift webhook payload',
    );
    // Assert
    expect(err.status).toBe(400);
    expect(err.message).toBe('The spacelift webhook payload is not valid: run.state is required; run.id must be string; extra is not a known field (and 1 more).');
  });

  it('should hand the handler the body bytes exactly as sent, base64 or not', async () => {
    // Prepare
    const seen: Buffer[] = [];
    const { logger } = captureLogger();
    const handler = createWebhookHandler<unknown>({
      source: 'test',
      signatureHeader: 'X-Sig',
      secrets: staticSecretProvider(['s3cret-value']),
      logger,
      handle: async (req) => (seen.push(req.rawBody), jsonResponse(202, {})),
    });
    const body = JSON.stringify({ run: { state: 'FINISHED', note: 'héllo ✓' } });
    // Act
    const plain = await handler(httpEvent(body, { 'content-type': 'application/json', 'X-Sig': sign('s3cret-value', body) }));
    const b64 = await handler(httpEvent(body, { 'content-type': 'application/json', 'X-Sig': sign('s3cret-value', body) }, { base64: true }));
    // Assert
    expect([plain.statusCode, b64.statusCode]).toEqual([202, 202]);
    expect(seen.map((b) => b.equals(Buffer.from(body, 'utf8')))).toEqual([true, true]);
  });
});
