import { openApiDocument } from '@iac-review/core';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadManifest, repoRoot, type FunctionSpec } from '../lib/repo';
import { ensureTable, startDynalite, type LocalDynamo } from './dynamodb';
import { createGateway, type LambdaLikeHandler, type LocalFunction } from './http-gateway';

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
}

export interface ReviewerMode {
  mode: 'rules-only' | 'rules+bedrock';
  reason: string;
}

/** Bedrock is used only when something points at it: AWS credentials or the SDK's Bedrock endpoint variable. */
export const detectReviewerMode = (env: NodeJS.ProcessEnv): ReviewerMode => {
  if (env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME) return { mode: 'rules+bedrock', reason: `AWS_ENDPOINT_URL_BEDROCK_RUNTIME=${env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME}` };
  if (env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI)
    return { mode: 'rules+bedrock', reason: 'AWS credentials found in the environment' };
  return { mode: 'rules-only', reason: 'no AWS credentials and no AWS_ENDPOINT_URL_BEDROCK_RUNTIME: the reviewer uses deterministic rules only' };
};

export interface LocalStack {
  url: string;
  port: number;
  dynamo: LocalDynamo;
  tableName: string;
  reviewer: ReviewerMode;
  functions: FunctionSpec[];
  stop: () => Promise<void>;
}

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
  const tableName = opts.tableName ?? 'iac-review-local';
  if (opts.dataDir) mkdirSync(join(opts.dataDir, 'dynamodb'), { recursive: true });
  const dynamo = await startDynalite(opts.dataDir ? { path: join(opts.dataDir, 'dynamodb') } : {});
  let server: Server | undefined;
  try {
    await ensureTable(dynamo.client, tableName);

    // Wire the functions exactly as Terraform does in AWS: configuration through environment variables,
    // AWS endpoints through the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables.
    process.env.TABLE_NAME = tableName;
    process.env.AWS_REGION = env.AWS_REGION ?? 'us-east-1';
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    process.env.IAC_REVIEW_REVIEWER_MODE = reviewer.mode;
    if (!env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE) {
      // dynalite accepts any credentials; these never leave the machine.
      process.env.AWS_ACCESS_KEY_ID = 'local';
      process.env.AWS_SECRET_ACCESS_KEY = 'local';
    }

    const specs = loadManifest();
    const functions = new Map<string, LocalFunction>();
    for (const spec of specs) {
      functions.set(spec.name, { name: spec.name, timeoutSeconds: spec.timeoutSeconds, memoryMb: spec.memoryMb, handler: loadHandler(spec) });
    }

    const gateway = createGateway({
      openApi: openApiDocument,
      functions,
      onError: opts.onError ?? ((err) => process.stderr.write(`gateway error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)),
    });
    const srv = createServer((req, res) => void gateway(req, res));
    server = srv;
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
    });
    const { port } = srv.address() as AddressInfo;
    const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      port,
      dynamo,
      tableName,
      reviewer,
      functions: specs,
      stop: async () => {
        await new Promise<void>((resolve) => {
          srv.close(() => resolve());
          srv.closeAllConnections();
        });
        await dynamo.close();
      },
    };
  } catch (err) {
    server?.close();
    await dynamo.close();
    throw err;
  }
};
