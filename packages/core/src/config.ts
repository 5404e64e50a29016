/** Configuration every function reads once at start-up (from its environment, passed in). */
export interface ServiceConfig {
  serviceVersion: string;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
  region: string;
  tableName: string;
  inputsBucket: string;
  eventBusName: string;
  /** Emulators (local stack) need path-style S3 addressing. */
  s3ForcePathStyle: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(message: string) {
    super(message);
  }
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;

/**
 * Reads and validates the shared settings from an environment object (the function's
 * `process.env`, passed in by its composition root). Fails fast with every missing name.
 */
export const readServiceConfig = (env: Record<string, string | undefined>): Readonly<ServiceConfig> => {
  const missing = ['TABLE_NAME', 'INPUTS_BUCKET', 'EVENT_BUS_NAME'].filter((k) => !env[k]);
  if (missing.length) throw new ConfigError(`Missing configuration: ${missing.join(', ')} (set by Terraform in AWS and by the local stack locally).`);
  const level = (env.LOG_LEVEL ?? 'info') as ServiceConfig['logLevel'];
  return Object.freeze({
    serviceVersion: env.SERVICE_VERSION ?? '0.1.0',
    logLevel: LEVELS.includes(level) ? level : 'info',
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    tableName: env.TABLE_NAME as string,
    inputsBucket: env.INPUTS_BUCKET as string,
    eventBusName: env.EVENT_BUS_NAME as string,
    s3ForcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3),
  });
};
