import fc from 'fast-check';
import { createLogger, sensitive, runWithInvocationContext, parseTraceHeader, REDACTED } from '../src/index';
import { captureLines } from '../src/testing';

const SECRET = 'ghs_S3cr3tT0k3nValue_do_not_leak';

describe('logger', () => {
  it('should write one JSON line per event with ISO time, level label, service and function', () => {
    const out = captureLines();
    const log = createLogger({ service: 'iac-review', functionName: 'api-handler', functionVersion: '7', destination: out.stream });

    log.info('hello', { a: 1 });

    const lines = out.lines();
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({ level: 'info', service: 'iac-review', function: 'api-handler', functionVersion: '7', message: 'hello', a: 1 });
    expect(typeof line?.time).toBe('string');
    expect(new Date(line?.time as string).toISOString()).toBe(line?.time);
  });

  it('should redact secret keys, auth headers and caller-marked fields anywhere in the object', () => {
    const out = captureLines();
    const log = createLogger({ service: 's', destination: out.stream, sensitiveKeys: ['dbConnectionString'] });

    log.info('request', {
      headers: { Authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET, 'X-Hub-Signature-256': `sha256=${SECRET}`, accept: 'json' },
      nested: [{ deeper: { password: SECRET, client_secret: SECRET } }],
      dbConnectionString: SECRET,
      marked: sensitive(SECRET),
      token: SECRET,
    });
    log.child({ apiKey: SECRET }).warn('child');
    log.error('failed', { error: Object.assign(new Error('boom'), { token: SECRET }) });

    expect(out.raw()).not.toContain(SECRET);
    const [first, second, third] = out.lines();
    expect((first?.headers as Record<string, unknown>).accept).toBe('json');
    expect((first?.headers as Record<string, unknown>).Authorization).toBe(REDACTED);
    expect(first?.marked).toBe(REDACTED);
    expect(second?.apiKey).toBe(REDACTED);
    expect((third?.error as Record<string, unknown>).message).toBe('boom');
    expect((third?.error as Record<string, unknown>).stack).toContain('Error: boom');
  });

  it('should never print a secret under a secret key, whatever the key spelling and nesting (property)', () => {
    const keyArb = fc.constantFrom('password', 'Password', 'x-api-key', 'X_API_KEY', 'authorization', 'client_secret', 'accessToken', 'signature');
    fc.assert(
      fc.property(keyArb, fc.string({ minLength: 12 }).map((s) => `SECRET${s}`), fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 }), (key, secret, path) => {
        const out = captureLines();
        const log = createLogger({ service: 's', destination: out.stream });
        let obj: Record<string, unknown> = { [key]: secret };
        for (const p of path) obj = { [`k${p}`]: obj };
        log.info('x', { payload: obj });
        return !out.raw().includes(JSON.stringify(secret).slice(1, -1));
      }),
    );
  });

  it('should attach the invocation context (request id, trace id, correlation id) to every line', async () => {
    const out = captureLines();
    const log = createLogger({ service: 's', destination: out.stream });
    const trace = parseTraceHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');

    await Promise.all(
      ['a', 'b'].map((id) =>
        runWithInvocationContext({ awsRequestId: `req-${id}`, traceId: trace.traceId, correlationId: `delivery-${id}` }, async () => {
          await new Promise((r) => setTimeout(r, id === 'a' ? 5 : 0));
          log.info(`line ${id}`);
        }),
      ),
    );
    log.info('outside');

    const lines = out.lines();
    const a = lines.find((l) => l.message === 'line a');
    const b = lines.find((l) => l.message === 'line b');
    expect(a).toMatchObject({ awsRequestId: 'req-a', correlationId: 'delivery-a', traceId: '1-5759e988-bd862e3fe1be46a994272793' });
    expect(b).toMatchObject({ awsRequestId: 'req-b', correlationId: 'delivery-b' });
    expect(lines.find((l) => l.message === 'outside')?.awsRequestId).toBeUndefined();
  });

  it('should write audit and security events with a distinct type', () => {
    const out = captureLines();
    const log = createLogger({ service: 's', destination: out.stream });

    log.audit({ action: 'review.feedback', actor: 'dashboard', resource: 'review/r1', outcome: 'success', fromVersion: 1, toVersion: 2 });
    log.security({ event: 'signature.invalid', reason: 'HMAC mismatch', sourceIp: '203.0.113.9', signature: SECRET });

    const [audit, security] = out.lines();
    expect(audit).toMatchObject({ type: 'audit', level: 'info', action: 'review.feedback', actor: 'dashboard', resource: 'review/r1', outcome: 'success', toVersion: 2 });
    expect(security).toMatchObject({ type: 'security', level: 'warn', event: 'signature.invalid', reason: 'HMAC mismatch', sourceIp: '203.0.113.9', signature: REDACTED });
    expect(out.raw()).not.toContain(SECRET);
  });

  it('should write metrics as CloudWatch EMF with every metric value at the top level', () => {
    const out = captureLines();
    const log = createLogger({ service: 'iac-review', functionName: 'ai-reviewer', destination: out.stream, metricsNamespace: 'IacReviewTest' });

    log.metrics([{ name: 'InputTokens', value: 1200 }, { name: 'LatencyMs', value: 812.5, unit: 'Milliseconds' }], undefined, { modelId: 'm' });

    const [line] = out.lines();
    const aws = line?._aws as { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
    expect(typeof aws.Timestamp).toBe('number');
    expect(aws.CloudWatchMetrics[0]).toEqual({
      Namespace: 'IacReviewTest',
      Dimensions: [['service', 'function']],
      Metrics: [
        { Name: 'InputTokens', Unit: 'Count' },
        { Name: 'LatencyMs', Unit: 'Milliseconds' },
      ],
    });
    expect(line).toMatchObject({ InputTokens: 1200, LatencyMs: 812.5, service: 'iac-review', function: 'ai-reviewer', modelId: 'm', type: 'metric' });
  });

  it('should reject a non-finite metric value instead of writing a broken EMF line', () => {
    const out = captureLines();
    const log = createLogger({ service: 's', destination: out.stream });
    expect(() => log.metrics([{ name: 'X', value: Number.NaN }])).toThrow(/non-finite/);
    expect(out.lines()).toHaveLength(0);
  });
});

describe('parseTraceHeader', () => {
  it('should parse root, parent and sampled, and ignore junk', () => {
    expect(parseTraceHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0')).toEqual({
      traceId: '1-5759e988-bd862e3fe1be46a994272793',
      parentId: '53995c3f42cd8ad8',
      sampled: false,
    });
    expect(parseTraceHeader(undefined)).toEqual({});
    expect(parseTraceHeader('Root=not-a-trace;garbage')).toEqual({});
  });

  it('should never throw on arbitrary input (property)', () => {
    fc.assert(fc.property(fc.string(), (s) => typeof parseTraceHeader(s) === 'object'));
  });
});
