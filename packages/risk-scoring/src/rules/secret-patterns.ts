/** Names that say "this holds a secret" (env var keys, parameter names). */
const SECRET_NAME = /(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|credential|auth[_-]?key|access[_-]?key)/i;
/** Names that merely point at a secret (an ARN, id, name or path of one), or are not secret at all. */
const POINTER_NAME = /(_|-|\b)(arn|name|id|ids|path|param|parameter|ref|region|url|uri|file|ttl|length|expiry|expires|type|header|enabled|policy|rotation|version)$|^(token_?endpoint|secret_?manager)/i;

export const isSecretName = (name: string): boolean => SECRET_NAME.test(name) && !POINTER_NAME.test(name);

/** Values that are references, not secrets: ARNs, SSM/Secrets Manager references, empty or obvious placeholders. */
export function isReferenceValue(value: string): boolean {
  const v = value.trim();
  if (v.length < 6) return true;
  if (/^(arn:|\{\{resolve:|ssm:|secretsmanager:|\/aws\/reference\/|\$\{|<%|\$\(|env:)/i.test(v)) return true;
  if (/^(true|false|null|none|changeme|placeholder|redacted|xxx+|\*+|todo|tbd)$/i.test(v)) return true;
  if (/^https?:\/\/[^:@/]+(\/|$)/i.test(v) && !/:\/\/[^/]*:[^/]*@/.test(v)) return true;
  return false;
}

const CREDENTIAL_PATTERNS: [RegExp, string][] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/-----BEGIN (RSA |EC |DSA |OPENSSH |PGP )?PRIVATE KEY( BLOCK)?-----/, 'a private key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bsk_live_[A-Za-z0-9]{20,}/, 'a Stripe secret key'],
  [/\b(aws_secret_access_key|AWS_SECRET_ACCESS_KEY)\s*[=:]\s*["']?[A-Za-z0-9/+=]{40}\b/, 'an AWS secret access key'],
  [/[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]{3,}@[^\s]+/i, 'a URL with an embedded password'],
];

/** Describes the credential a value contains (e.g. "an AWS access key id"), or undefined. Never returns the value. */
/** Cheap pre-check: every pattern below needs one of these markers. */
const MAYBE_CREDENTIAL = /AKIA|ASIA|PRIVATE KEY|gh[pousr]_|xox[abposr]-|sk_live_|aws_secret_access_key|:\/\/[^\s:/@]+:/i;

export function credentialKind(value: string): string | undefined {
  if (value.length < 10 || !MAYBE_CREDENTIAL.test(value)) return undefined;
  for (const [re, kind] of CREDENTIAL_PATTERNS) if (re.test(value)) return kind;
  return undefined;
}

/** Lines of a script that assign a literal to a secret-looking variable (`DB_PASSWORD=...`, `export TOKEN="..."`). */
export function scriptAssignsSecret(script: string): string | undefined {
  const kind = credentialKind(script);
  if (kind) return kind;
  const re = /(?:^|\s|export\s+)([A-Za-z_][A-Za-z0-9_]*)\s*=\s*["']?([^\s"'$`]{6,})/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(script)) !== null) {
    const [, name = '', value = ''] = m;
    if (isSecretName(name) && looksLikeSecretValue(value)) return `a literal value for ${name}`;
  }
  return undefined;
}

/** Decodes base64 user data when it looks like base64; returns the input otherwise. */
export function maybeBase64(value: string): string {
  if (/^[A-Za-z0-9+/=\s]+$/.test(value) && value.length % 4 === 0 && value.length >= 8) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    if (/^[\t\n\r -~]*$/.test(decoded)) return decoded;
  }
  return value;
}

/** Whole values that stand in for a secret instead of being one. */
const PLACEHOLDER =
  /^(<[^>]*>|\{\{.*\}\}|%[^%]+%|your[-_ ].*|.*[-_ ]here|example.*|sample.*|dummy.*|fake.*|test(ing)?|changeme|change[-_]?me|replace[-_]?me|placeholder|redacted|todo|tbd|none|null|nil|undefined|default|secret|password|passw0rd|n\/a)$/i;

/** Letter case flips per letter: high in random strings (`wJalrXUtnFEMI`), low in words and CamelCase (`SuperSecretName`). */
function caseFlipRatio(s: string): number {
  let flips = 0;
  let letters = 0;
  let prev: boolean | undefined;
  for (const ch of s) {
    const lower = ch >= 'a' && ch <= 'z';
    const upper = ch >= 'A' && ch <= 'Z';
    if (!lower && !upper) continue;
    letters++;
    if (prev !== undefined && prev !== upper) flips++;
    prev = upper;
  }
  return letters === 0 ? 0 : flips / letters;
}

/** A segment that looks generated rather than written: upper, lower and digits together, or frequent case flips. */
function randomLooking(s: string): boolean {
  if (s.length < 6 || /^[a-z]*([A-Z][a-z]{2,})+$/.test(s)) return false; // short, or CamelCase words
  const classes = Number(/[a-z]/.test(s)) + Number(/[A-Z]/.test(s)) + Number(/[0-9]/.test(s));
  return classes === 3 || (s.length >= 10 && caseFlipRatio(s) > 0.3);
}

/** A file path or SSM parameter path: `/app/db/password`, `./secrets.json`, `config/db.yaml`. */
function isPath(v: string): boolean {
  if (!v.includes('/') || /\s/.test(v)) return false;
  if (!/^(~|\.{1,2})?\/?[\w.{}$-]+(\/[\w.{}$-]*)*$/.test(v)) return false;
  return v.split('/').every((seg) => !randomLooking(seg));
}

/**
 * Judges a value found under a secret-looking name (an env var, a variable, a script assignment): true
 * when it looks like a real secret; false for words (`secrets-manager`, `aws:kms`), paths, ARNs,
 * references, host names, e-mail addresses, small numbers and placeholders (`changeme`, `<password>`).
 */
export function looksLikeSecretValue(value: string): boolean {
  const v = value.trim();
  if (v.length < 6 || isReferenceValue(v) || PLACEHOLDER.test(v)) return false;
  if (/^(.)\1+$/.test(v)) return false; // xxxxxx, 000000, ******
  if (/^(var|local|module|data|each|count|path|self)\.[\w.[\]"-]+$/.test(v) || /^aws_[a-z0-9_]+\.[\w-]+\./.test(v)) return false; // an unevaluated reference
  if (/\s/.test(v) && /^[A-Za-z\s.,;:'!?()-]+$/.test(v)) return false; // prose
  if (/^[A-Za-z]+([-_.:/ ][A-Za-z]+)*$/.test(v) && !randomLooking(v)) return false; // words: secrets-manager, PROD_DB, SuperSecretName
  const segments = v.split(/[-_. ]/);
  if (segments.length >= 3 && segments.every((seg) => /^([a-z]+|[A-Z][a-z]*|[A-Z]+|\d+)$/.test(seg))) return false; // a phrase: not-a-real-password-123
  if (/^[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i.test(v)) return false; // e-mail address
  if (/^([a-z0-9-]+\.)+[a-z]{2,}(:\d+)?$/i.test(v) && !randomLooking(v.replace(/\./g, ''))) return false; // host name
  if (isPath(v)) return false;
  if (/^\d{1,7}$/.test(v)) return false; // ports, counts, ids
  if (/^v?\d+(\.\d+){1,3}([-+][\w.]+)?$/.test(v)) return false; // versions
  return true;
}
