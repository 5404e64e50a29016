// API keys and scopes are shared by every function that serves routes: they live in @iac-review/core.
export { SCOPES, parseClientRegistry } from '@iac-review/core';
export type { Scope, ApiClient, ClientRegistry } from '@iac-review/core';
