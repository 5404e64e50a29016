import { createTokenVerifier, readOidcConfig } from '@iac-review/identity/oidc';
import { createLogger } from '@iac-review/logger';
import { createAuthorizer } from './handler';

// Composition root: configuration, the JWKS cache and the logger live as long as the container.
const env = process.env;
const logger = createLogger({ service: 'iac-review', functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'request-authorizer', functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION, level: (env.LOG_LEVEL as 'info' | undefined) ?? 'info' });
const oidc = readOidcConfig(env);

export const handler = createAuthorizer({
  logger,
  ...(oidc ? { verifier: createTokenVerifier(oidc) } : {}),
  ...(env.PEOPLE_API_KEY ? { peopleApiKey: env.PEOPLE_API_KEY } : {}),
});
