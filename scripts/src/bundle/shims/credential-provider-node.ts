/**
 * Lambda bundles only: the SDK's default credential chain (SSO, ini files, process, web identity,
 * IMDS, with the STS/SSO clients they need) is ~85 KB of code a Lambda never runs — Lambda puts
 * the role's credentials in the environment. Every bundle resolves
 * `@aws-sdk/credential-provider-node` to this file. Local runs use the real chain (they run the
 * TypeScript sources, not bundles).
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
