import { PathSet } from './paths';
import type { AttributePath, ResourceChange } from './types';
import { credentialKind, isReferenceValue, isSecretName } from './rules/secret-patterns';

export const REDACTED = '[REDACTED]';

const PASSWORDISH = /^(password|master_password|auth_token|secret_string|secret_binary|value|passwords|private_key|token|user_data|user_data_base64)$/i;

function redactValue(value: unknown, path: AttributePath, sensitive: PathSet, parentSecret: boolean): unknown {
  if (sensitive.covers(path)) return REDACTED;
  if (typeof value === 'string') {
    const key = path[path.length - 1];
    const secretKey = typeof key === 'string' && (isSecretName(key) || (path.length === 1 && PASSWORDISH.test(key)));
    if ((secretKey || parentSecret) && !isReferenceValue(value)) return REDACTED;
    if (credentialKind(value)) return REDACTED;
    const t = value.trimStart();
    if (t.startsWith('{') || t.startsWith('[')) {
      try {
        // JSON held in a string (container definitions, policies): redact inside it.
        return JSON.stringify(redactValue(JSON.parse(value), [], new PathSet([]), parentSecret));
      } catch {
        return value;
      }
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => redactValue(v, [...path, i], sensitive, parentSecret));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const obj = value as Record<string, unknown>;
    // name/value pairs (ECS environment, CodeBuild environment_variable): the name says whether the value is secret.
    const pairSecret = typeof obj.name === 'string' && isSecretName(obj.name);
    for (const [k, v] of Object.entries(value)) {
      if (pairSecret && k === 'value' && typeof v === 'string' && !isReferenceValue(v)) {
        out[k] = REDACTED;
        continue;
      }
      const p = [...path, k];
      out[k] = redactValue(v, p, sensitive, parentSecret || (typeof v === 'object' && v !== null && isSecretName(k)));
    }
    return out;
  }
  return value;
}

/**
 * A copy of the change in which sensitive values (Terraform's sensitive paths), values of
 * secret-looking keys and recognised credentials are replaced with `[REDACTED]`. Use it before a
 * change goes anywhere outside the engine (LLM prompts, logs).
 */
export function redactSensitive(change: ResourceChange): ResourceChange {
  const sensitive = new PathSet(change.sensitivePaths);
  return {
    ...change,
    before: change.before === null ? null : (redactValue(change.before, [], sensitive, false) as Record<string, unknown>),
    after: change.after === null ? null : (redactValue(change.after, [], sensitive, false) as Record<string, unknown>),
  };
}
