// CORS is shared by every function that serves routes: it lives in @iac-review/core.
export { corsHeaders, preflightHeaders } from '@iac-review/core';
export type { CorsConfig } from '@iac-review/core';
