import { createLogger, withObservability, resetColdStart, appendInvocationContext } from '../src/index';
import { captureLines } from '../src/testing';

const TRACE = 'Root=1-65f0a1b2-0123456789abcdef01234567;Parent=1234567890abcdef;Sampled=1';

describe('withObservability', () => {
  beforeEach(() => resetColdStart());

  it('should log start and end with duration, cold-start flag and the invocation context', async () => {
    const out = captureLines();
    const logger = createLogger({ service: 's', functionName: 'f', destination: out.stream });
    const handler = withObservability(
      async (event: { id: string }) => {
        appendInvocationContext({ reviewId: 'rev-1' });
        logger.info('working');
        return { ok: event.id };
      },
      { logger, traceHeader: () => TRACE, correlationId: (e) => e.id },
    );

    await handler({ id: 'delivery-1' }, { awsRequestId: 'req-1' });
    await handler({ id: 'delivery-2' }, { awsRequestId: 'req-2' });

    const lines = out.lines();
    expect(lines.map((l) => l.message)).toEqual(['invocation start', 'working', 'invocation end', 'invocation start', 'working', 'invocation end']);
    expect(lines[0]).toMatchObject({ awsRequestId: 'req-1', correlationId: 'delivery-1', traceId: '1-65f0a1b2-0123456789abcdef01234567', coldStart: true });
    expect(lines[1]).toMatchObject({ reviewId: 'rev-1' });
    expect(lines[2]).toMatchObject({ outcome: 'success', coldStart: true });
    expect(typeof lines[2]?.durationMs).toBe('number');
    expect(lines[3]).toMatchObject({ awsRequestId: 'req-2', coldStart: false });
  });

  it('should turn an unexpected throw on an HTTP event into a safe problem+json 500 and log the stack', async () => {
    const out = captureLines();
    const logger = createLogger({ service: 's', destination: out.stream });
    const handler = withObservability(
      async (_event: { httpMethod: string; path: string }) => {
        throw new Error('DynamoDB said: ResourceNotFoundException arn:aws:dynamodb:eu-west-1:123:table/secret-internal');
      },
      { logger, traceHeader: () => TRACE },
    );

    const res = (await handler({ httpMethod: 'GET', path: '/x' }, { awsRequestId: 'req-9' })) as { statusCode: number; headers: Record<string, string>; body: string };

    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toBe('application/problem+json');
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ status: 500, title: 'Internal error', requestId: 'req-9', traceId: '1-65f0a1b2-0123456789abcdef01234567' });
    expect(res.body).not.toContain('DynamoDB');
    expect(res.body).not.toContain('stack');
    const errorLine = out.lines().find((l) => l.level === 'error');
    expect((errorLine?.error as { stack: string }).stack).toContain('secret-internal');
  });

  it('should rethrow on asynchronous events so Lambda can retry and dead-letter', async () => {
    const out = captureLines();
    const logger = createLogger({ service: 's', destination: out.stream });
    const handler = withObservability(
      async () => {
        throw new Error('downstream unavailable');
      },
      { logger },
    );

    await expect(handler({ detail: {} }, { awsRequestId: 'r' })).rejects.toThrow('downstream unavailable');
    expect(out.lines().some((l) => l.level === 'error' && l.outcome === 'error')).toBe(true);
  });
});
