// Lambda bundles only: the Bedrock Runtime client can sign with a bearer token (a Bedrock API key
// in AWS_BEARER_TOKEN_BEDROCK, or an SSO token) instead of SigV4; the SSO path brings an SSO-OIDC
// client (~20 KB). The functions sign with their role's credentials (SigV4, least-privilege IAM)
// and never set a bearer token, so every bundle resolves `@aws-sdk/token-providers` to this file:
// should a bearer token ever be asked for, the call fails saying why instead of silently.
const notBundled = async () => {
  throw new Error('Bedrock bearer tokens are not supported in the Lambda functions: they sign with their role (SigV4). Unset AWS_BEARER_TOKEN_BEDROCK.');
};
export const fromEnvSigningName = () => notBundled;
export const nodeProvider = () => notBundled;
