export { verifySignature, bodyAsSignedString, SIGNATURE_PATTERN } from './signature';
export type { SignatureCheck, SignatureFailureReason } from './signature';
export {
  envSecretProvider,
  staticSecretProvider,
  secretsManagerSecretProvider,
  parseSecretValue,
  SecretUnavailableError,
  SecretFormatError,
  MAX_ACTIVE_SECRETS,
  webhookSecretsFromEnv,
} from './secrets';
export type { WebhookSecretProvider, SecretsManagerSecretProviderOptions, WebhookSecretsFromEnvOptions } from './secrets';
export { InvalidSignatureError, describeSchemaErrors, payloadValidationError, toWebhookProblem, transientRetryAfter } from './problems';
export type { PayloadValidator, SchemaError } from './problems';
export { createWebhookHandler, DEFAULT_MAX_BODY_BYTES } from './pipeline';
export type { WebhookRouteOptions, WebhookRequest, DuplicateDelivery } from './pipeline';
