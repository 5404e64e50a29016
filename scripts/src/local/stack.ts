import { detectBedrockMode } from '@iac-review/bedrock-service';
import { openApiDocument, SCOPES } from '@iac-review/core';
import { createLogger, type Logger } from '@iac-review/logger';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadManifest, repoRoot, type FunctionSpec } from '../lib/repo';
import { ensureTable, startDynalite, type LocalDynamo } from './dynamodb';
import { startEventBus, type BusRule, type LocalEventBus } from './event-bus';
import type { EventPattern } from './event-pattern';
import { createDashboardHandler } from './dashboard';
import { createSignInProxy, localSignInConfig } from './sign-in-proxy';
import { applyGithubEnv, type GithubMode } from './github';
import { applySpaceliftEnv, type SpaceliftMode } from './spacelift';
import { createGateway, type GatewaySecurityEvent, type LambdaLikeHandler, type LocalApiKey, type LocalFunction, type RateLimit } from './http-gateway';
import { startLocalIdentity, type LocalIdentity } from './identity';
import { createAuthorizer } from '../../../functions/request-authorizer/src/handler';
import { startS3, type LocalS3 } from './s3';
import { startScheduler, type LocalScheduler, type ScheduleRule } from './scheduler';

export interface LocalStackOptions {
  /** HTTP port (0 = any free port). */
  port: number;
  host?: string;
  /** Folder for persistent data, or undefined for in-memory. */
  dataDir?: string;
  tableName?: string;
  /** The caller's environment (read once, here, for the reviewer mode and pass-through settings). */
  env?: NodeJS.ProcessEnv;
  /** Receives unexpected gateway errors (defaults to stderr). */
  onError?: (err: unknown) => void;
  /** Per-key rate limit (default: 50 requests/s, burst 100, like the deployed stage). */
  rateLimit?: RateLimit;
  /** Delays before the bus retries a failed delivery (default 1 s, 2 s: Lambda retries async events twice). */
  retryDelaysMs?: number[];
  /** Receives the gateway's security events (one per 401/403/429); they are also logged as `"type":"security"`. */
  onSecurityEvent?: (event: GatewaySecurityEvent) => void;
  /** The dashboard's built static files, served at / and /dashboard/ (default packages/dashboard/dist). */
  dashboardDir?: string;
}

/** The stack's own log lines (gateway security events, dead letters), in the functions' JSON format. */
const stackLogger = (env: NodeJS.ProcessEnv): Logger =>
  createLogger({ service: 'iac-review', functionName: 'local-stack', level: (['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const).find((l) => l === env.LOG_LEVEL) ?? 'info' });

export const DEFAULT_LOCAL_API_KEY = 'local-dev-key';
export const DEFAULT_LOCAL_READONLY_API_KEY = 'local-readonly-key';
const ALL_SCOPES = [...SCOPES];
const READ_SCOPES = SCOPES.filter((s) => s.endsWith(':read'));

export interface ReviewerMode {
  mode: 'rules-only' | 'rules+bedrock';
  reason: string;
}

/**
 * Bedrock is used only when something points at it (AWS credentials, BEDROCK_ENABLED, or the SDK's
 * Bedrock endpoint variable): the very decision the reviewer makes (bedrock-service's
 * detectBedrockMode), so the banner cannot disagree with it.
 */
export const detectReviewerMode = (env: NodeJS.ProcessEnv): ReviewerMode => {
  const m = detectBedrockMode(env);
  return { mode: m.enabled ? 'rules+bedrock' : 'rules-only', reason: m.reason };
};

export interface LocalStack {
  /** Whether pull requests are published to GitHub, and whether webhooks can be verified. */
  github: GithubMode;
  /** Whether Spacelift deliveries can be verified, and whether run changes can be fetched. */
  spacelift: SpaceliftMode;
  /** Sign-in for people: the local OIDC issuer (or the configured one). */
  identity: LocalIdentity;
  url: string;
  port: number;
  dynamo: LocalDynamo;
  s3: LocalS3;
  bus: LocalEventBus;
  apiKeys: { admin: string; readonly: string; adminIsDefault: boolean; readonlyIsDefault: boolean };
  tableName: string;
  reviewer: ReviewerMode;
  functions: FunctionSpec[];
  /** The manifest's schedule triggers and when each fires next (UTC). */
  schedules: LocalScheduler['upcoming'];
  stop: () => Promise<void>;
}

/** Where the history MAC key lives: the data dir, or a private temp dir removed on stop (in-memory runs). */
const historyKeyFile = (dataDir: string | undefined, stops: Array<() => Promise<void>>): string => {
  if (dataDir) return join(dataDir, 'history-mac-keys.json');
  const dir = mkdtempSync(join(tmpdir(), 'iac-review-keys-'));
  stops.push(async () => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'history-mac-keys.json');
};

/** Loopback addresses: the only ones the stack listens on while the published default keys are in use. */
export const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::ffff:127.0.0.1';

const loadHandler = (spec: FunctionSpec): LambdaLikeHandler => {
  // The same handler code that runs in Lambda: the function's composition root.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(join(repoRoot, spec.entry)) as { handler?: LambdaLikeHandler };
  if (typeof mod.handler !== 'function') throw new Error(`${spec.entry} does not export a handler`);
  return mod.handler;
};

/** Starts the whole system on this machine: DynamoDB (dynalite), the HTTP API routed from the OpenAPI document, the functions. */
export const startLocalStack = async (opts: LocalStackOptions): Promise<LocalStack> => {
  const env = opts.env ?? process.env;
  const reviewer = detectReviewerMode(env);
  const log = stackLogger(env);
  const tableName = opts.tableName ?? 'iac-review-local';
  if (opts.dataDir) mkdirSync(join(opts.dataDir, 'dynamodb'), { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const dynamo = await startDynalite(opts.dataDir ? { path: join(opts.dataDir, 'dynamodb') } : {});
    stops.push(dynamo.close);
    await ensureTable(dynamo.client, tableName);
    const localCredentials = !env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE;
    const s3 = await startS3({
      bucket: 'iac-review-inputs-local',
      accessKeyId: localCredentials ? 'local' : env.AWS_ACCESS_KEY_ID,
      secretAccessKey: localCredentials ? 'local' : env.AWS_SECRET_ACCESS_KEY,
      ...(opts.dataDir ? { directory: join(opts.dataDir, 's3') } : {}),
    });
    stops.push(s3.close);

    const specs = loadManifest();
    const functions = new Map<string, LocalFunction>();
    const rules: BusRule[] = [];
    const scheduleRules: ScheduleRule<LocalFunction>[] = [];
    const bus = await startEventBus({
      busName: 'iac-review-local',
      rules,
      retryDelaysMs: opts.retryDelaysMs ?? [1000, 2000],
      onDelivery: (d) => {
        if (!d.ok) process.stderr.write(`[bus] ${d.rule} attempt ${d.attempt} failed: ${d.error}\n`);
      },
      // Like the deployed bus's SQS dead-letter queues: kept (data dir) and reported, never silently dropped.
      ...(opts.dataDir ? { deadLetterDir: join(opts.dataDir, 'dead-letters') } : {}),
      onDeadLetter: (l) => log.error('event dead-lettered', { rule: l.rule, attempts: l.attempts, cause: l.cause, error: l.error, eventId: (l.event as { id?: string } | undefined)?.id }),
    });
    stops.push(bus.close);

    const adminKey = env.LOCAL_API_KEY || DEFAULT_LOCAL_API_KEY;
    const readonlyKey = env.LOCAL_READONLY_API_KEY || DEFAULT_LOCAL_READONLY_API_KEY;
    if (adminKey === readonlyKey) throw new Error('LOCAL_API_KEY and LOCAL_READONLY_API_KEY must differ');
    const bindHost = opts.host ?? '127.0.0.1';
    if (!isLoopbackHost(bindHost) && (adminKey === DEFAULT_LOCAL_API_KEY || readonlyKey === DEFAULT_LOCAL_READONLY_API_KEY)) {
      throw new Error(
        `Refusing to listen on ${bindHost}: the API keys ${DEFAULT_LOCAL_API_KEY} and ${DEFAULT_LOCAL_READONLY_API_KEY} are published in the README, so anyone who can reach this address could use them. Set LOCAL_API_KEY and LOCAL_READONLY_API_KEY to secrets of your own, or listen on 127.0.0.1.`,
      );
    }
    const apiKeys = new Map<string, LocalApiKey>([
      [adminKey, { id: 'local-admin', name: 'local' }],
      [readonlyKey, { id: 'local-readonly', name: 'local-readonly' }],
    ]);

    // Wire the functions exactly as Terraform does in AWS: configuration through environment variables,
    // AWS endpoints through the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables.
    Object.assign(process.env, {
      TABLE_NAME: tableName,
      INPUTS_BUCKET: s3.bucket,
      EVENT_BUS_NAME: 'iac-review-local',
      AWS_REGION: env.AWS_REGION ?? 'us-east-1',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
      IAC_REVIEW_REVIEWER_MODE: reviewer.mode,
      // The banner's reason, so reviews give the same one (functions/ai-reviewer/src/config.ts).
      IAC_REVIEW_REVIEWER_REASON: reviewer.reason,
      BEDROCK_ENABLED: reviewer.mode === 'rules-only' ? 'false' : 'true',
      API_CLIENTS: JSON.stringify({ 'local-admin': { name: 'local', scopes: ALL_SCOPES }, 'local-readonly': { name: 'local-readonly', scopes: READ_SCOPES } }),
      CORS_ALLOWED_ORIGINS: env.CORS_ALLOWED_ORIGINS ?? 'http://localhost:5173,http://127.0.0.1:5173',
      // The history MAC key: a 0600 file in the data dir, created on first start (in AWS: Secrets Manager).
      HISTORY_MAC_KEY_FILE: historyKeyFile(opts.dataDir, stops),
    });
    const github = applyGithubEnv(env);
    const spacelift = applySpaceliftEnv(env);
    const identity = await startLocalIdentity(env);
    stops.push(identity.close);
    if (localCredentials) {
      // The emulators accept any credentials; these never leave the machine.
      process.env.AWS_ACCESS_KEY_ID = 'local';
      process.env.AWS_SECRET_ACCESS_KEY = 'local';
    }

    for (const spec of specs) {
      const fn: LocalFunction = { name: spec.name, timeoutSeconds: spec.timeoutSeconds, memoryMb: spec.memoryMb, handler: loadHandler(spec) };
      functions.set(spec.name, fn);
      spec.triggers.forEach((t, i) => {
        if (t.type === 'event' && t.pattern) rules.push({ name: `${spec.name}-${i}`, pattern: t.pattern as EventPattern, target: fn });
        if (t.type === 'schedule' && t.expression) scheduleRules.push({ name: `${spec.name}-${i}`, expression: t.expression, target: fn });
      });
    }
    // Schedules fire like EventBridge's: a Scheduled Event delivered with the bus's retries and dead letters.
    const scheduler = startScheduler({ rules: scheduleRules, fire: (r, event) => bus.deliver({ name: r.name, pattern: {}, target: r.target }, event), region: process.env.AWS_REGION });
    stops.push(async () => scheduler.stop());

    const gateway = createGateway({
      openApi: openApiDocument,
      functions,
      apiKeys,
      // The real request authorizer of AWS, so the context the functions read cannot drift from it.
      authorizer: createAuthorizer({ logger: log, verifier: identity.verifier, peopleApiKey: 'local-people-plan-key' }),
      rateLimit: opts.rateLimit ?? { ratePerSecond: 50, burst: 100 },
      onError: opts.onError ?? ((err) => process.stderr.write(`gateway error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)),
      onSecurityEvent: (e) => {
        log.security({ ...e });
        opts.onSecurityEvent?.(e);
      },
    });
    // With the local issuer, the dashboard signs people in through it at /oidc/… on this origin.
    const signInProxy = identity.users.length ? createSignInProxy(identity.issuer) : undefined;
    const dashboard = createDashboardHandler(opts.dashboardDir, signInProxy ? localSignInConfig(identity.clientId) : undefined);
    const srv = createServer((req, res) => {
      if (signInProxy?.(req, res)) return;
      if (!dashboard(req, res)) void gateway(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          srv.close(() => resolve());
          srv.closeAllConnections();
        }),
    );
    const { port } = srv.address() as AddressInfo;
    const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      port,
      dynamo,
      s3,
      bus,
      apiKeys: { admin: adminKey, readonly: readonlyKey, adminIsDefault: !env.LOCAL_API_KEY, readonlyIsDefault: !env.LOCAL_READONLY_API_KEY },
      tableName,
      reviewer,
      github,
      spacelift,
      identity,
      functions: specs,
      schedules: scheduler.upcoming,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
};
