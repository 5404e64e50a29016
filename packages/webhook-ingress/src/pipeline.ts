import { header, jsonResponse, loadOnce, PayloadTooLargeError, problemResponse, rawBody, RequestValidationError, UnsupportedMediaTypeError, type HttpEvent, type HttpResult } from '@iac-review/core';
import type { IdempotencyStore } from '@iac-review/dynamo-versioning';
import type { Logger } from '@iac-review/logger';
import { describeSchemaErrors, InvalidSignatureError, payloadValidationError, toWebhookProblem, type PayloadValidator } from './problems';
import type { WebhookSecretProvider } from './secrets';
import { verifySignature } from './signature';

/** A verified, parsed, validated, first-seen delivery, handed to the event-specific logic. */
export interface WebhookRequest<T> {
  payload: T;
  /** The body bytes exactly as received (base64 already decoded). */
  rawBody: Buffer;
  event: HttpEvent;
  /** The dedupe key recorded for this delivery; undefined when the route does not dedupe or gave no key. */
  deliveryKey: string | undefined;
  /** Which active secret matched: 0 = current, 1 = previous (log it to see when a rotation is complete). */
  secretIndex: number;
  logger: Logger;
}

export interface DuplicateDelivery<T> {
  payload: T;
  deliveryKey: string;
  firstSeenAt: string;
  event: HttpEvent;
}

export interface WebhookRouteOptions<T> {
  /** Short name of the sender (`github`, `spacelift`): log field and dedupe scope. */
  source: string;
  /** Header that carries `sha256=<hex>` (`X-Hub-Signature-256` for GitHub, `X-Signature-256` for Spacelift). */
  signatureHeader: string;
  secrets: WebhookSecretProvider;
  logger: Logger;
  /** Largest accepted body in bytes as received (default 1 MiB); larger → 413 before anything else. */
  maxBodyBytes?: number;
  /** Schema check of the parsed payload (ajv ValidateFunction); failures → 400 naming the fields. */
  validate?: PayloadValidator;
  /**
   * The same check, loaded on the first delivery whose signature verifies (e.g. with import() of a
   * large compiled validator): a cold start that refuses a signature never loads it.
   */
  loadValidator?: () => Promise<PayloadValidator>;
  /**
   * Delivery dedupe: the key of a delivery (e.g. GitHub's `X-GitHub-Delivery`, or Spacelift's
   * account/run/state/stateVersion). Only the first delivery of a key reaches `handle`; if
   * `handle` throws, the key is forgotten so the sender's retry is processed.
   */
  dedupe?: {
    store: IdempotencyStore;
    key: (payload: T, event: HttpEvent) => string | undefined;
    /** Idempotency scope (default: `source`). */
    scope?: string;
    /** Extra fields kept with the record (small strings/numbers). */
    meta?: (payload: T, event: HttpEvent) => Record<string, string | number | boolean>;
  };
  /** The answer for a duplicate (default 202 `{"status":"duplicate","firstSeenAt"}`). */
  onDuplicate?: (d: DuplicateDelivery<T>) => HttpResult | Promise<HttpResult>;
  handle: (req: WebhookRequest<T>) => Promise<HttpResult>;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const sourceIp = (event: HttpEvent): string | undefined => event.requestContext?.identity?.sourceIp ?? undefined;

/** Decodes the body as API Gateway delivers it, refusing oversized bodies before decoding them. */
const readBody = (event: HttpEvent, maxBytes: number): Buffer => {
  const raw = event.body ?? '';
  // Cheap early refusal without decoding: a UTF-8 string of n UTF-16 units is at least n bytes; a
  // base64 string of n chars decodes to at least 3n/4 - 2 bytes.
  const lowerBound = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) - 2 : raw.length;
  if (lowerBound > maxBytes) throw new PayloadTooLargeError(`The body is over the ${maxBytes}-byte limit for this webhook.`);
  const bytes = rawBody(event);
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(`The body is ${bytes.length} bytes; the limit for this webhook is ${maxBytes}.`);
  return bytes;
};

/**
 * Builds an API Gateway handler for one signed webhook: size cap → signature over the raw body
 * (two active secrets; a mismatch re-reads the secrets once, rate-limited by the provider) →
 * JSON parse → schema → dedupe → `handle`. Every refusal is problem+json: 413, 401 (plus a
 * `security` log event that never contains the signature or a secret), 415, 400 naming the field;
 * store, bus and secret outages are 503 with Retry-After. Nothing is parsed before the signature
 * holds, and nothing is stored for a refused delivery.
 */
export const createWebhookHandler = <T>(opts: WebhookRouteOptions<T>): ((event: HttpEvent) => Promise<HttpResult>) => {
  const maxBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const scope = opts.dedupe?.scope ?? opts.source;
  const log = opts.logger.child({ webhook: opts.source });

  const authenticate = async (event: HttpEvent, body: Buffer): Promise<number> => {
    const signature = header(event, opts.signatureHeader);
    let check = await verifySignature(body, signature, await opts.secrets.secrets());
    if (!check.ok && check.reason === 'signature-mismatch') {
      // Maybe the secret was rotated since this container read it.
      check = await verifySignature(body, signature, await opts.secrets.secrets({ refresh: true }));
    }
    if (check.ok) return check.secretIndex;
    log.security({
      event: 'webhook-signature-rejected',
      reason: check.reason,
      source: opts.source,
      signatureHeader: opts.signatureHeader,
      ...(sourceIp(event) ? { sourceIp: sourceIp(event) } : {}),
      userAgent: header(event, 'user-agent') ?? null,
      bodyBytes: body.length,
    });
    throw new InvalidSignatureError(check.reason, opts.signatureHeader);
  };

  const loadedValidator = opts.loadValidator ? loadOnce(opts.loadValidator) : undefined;
  const validator = async (): Promise<PayloadValidator | undefined> => opts.validate ?? loadedValidator?.();

  const parse = async (event: HttpEvent, body: Buffer): Promise<T> => {
    const type = (header(event, 'content-type') ?? 'application/json').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') throw new UnsupportedMediaTypeError(`Configure the webhook to send application/json (got ${type}).`);
    if (body.length === 0) throw new RequestValidationError('The body is empty; send the JSON payload.', [{ field: 'body', reason: 'is required' }]);
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new RequestValidationError(`The body is not valid JSON: ${(err as Error).message}.`, [{ field: 'body', reason: 'is not valid JSON' }]);
    }
    const validate = await validator();
    if (validate && !validate(payload)) throw payloadValidationError(describeSchemaErrors(validate.errors ?? []), `${opts.source} webhook payload`);
    return payload as T;
  };

  return async (event) => {
    const ctx = { requestId: event.requestContext?.requestId, instance: event.path };
    let recorded: string | undefined;
    try {
      const body = readBody(event, maxBytes);
      const secretIndex = await authenticate(event, body);
      const payload = await parse(event, body);

      let deliveryKey: string | undefined;
      if (opts.dedupe) {
        deliveryKey = opts.dedupe.key(payload, event);
        if (deliveryKey !== undefined) {
          const meta = opts.dedupe.meta?.(payload, event);
          const r = await opts.dedupe.store.record(scope, deliveryKey, meta ? { meta } : {});
          if (r.status === 'duplicate') {
            log.info('webhook duplicate ignored', { deliveryKey, firstSeenAt: r.firstSeenAt });
            return opts.onDuplicate
              ? await opts.onDuplicate({ payload, deliveryKey, firstSeenAt: r.firstSeenAt, event })
              : jsonResponse(202, { status: 'duplicate', detail: 'This delivery was already received; nothing was done again.', firstSeenAt: r.firstSeenAt });
          }
          recorded = deliveryKey;
        }
      }
      if (secretIndex > 0) log.info('webhook verified with the previous secret', { secretIndex });
      const result = await opts.handle({ payload, rawBody: body, event, deliveryKey, secretIndex, logger: log.child(deliveryKey ? { deliveryKey } : {}) });
      return result;
    } catch (err) {
      if (recorded !== undefined) {
        try {
          await opts.dedupe?.store.forget(scope, recorded);
        } catch (forgetErr) {
          // The record stays until its TTL; a redelivery will be reported as a duplicate.
          log.error('webhook dedupe record could not be forgotten after a failure', { deliveryKey: recorded, error: forgetErr });
        }
      }
      const problem = toWebhookProblem(err);
      const response = problemResponse(problem, ctx);
      if (response.statusCode >= 500) log.error('webhook failed', { statusCode: response.statusCode, error: err });
      else if (response.statusCode !== 401) log.info('webhook refused', { statusCode: response.statusCode, reason: err instanceof Error ? err.message : String(err) });
      return response;
    }
  };
};
