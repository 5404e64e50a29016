/**
 * GET /reviews/{id}/verify, read tolerantly: the overall verdict and a per-version status, whatever
 * the exact field names (ok/valid/verified; versions[].status|result|ok). `undefined` input means
 * the server has no such route.
 */
export type IntegrityReport = { kind: 'unavailable' } | { kind: 'report'; ok: boolean; detail?: string; versions: Map<number, string> };

const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

const versionStatus = (e: Record<string, unknown>): string | undefined => {
  for (const k of ['status', 'result', 'state']) if (typeof e[k] === 'string') return e[k] as string;
  if (typeof e.ok === 'boolean') return e.ok ? 'ok' : 'failed';
  return undefined;
};

export const readVerify = (body: unknown): IntegrityReport => {
  if (body === undefined) return { kind: 'unavailable' };
  const o = obj(body) ?? {};
  const versions = new Map<number, string>();
  const list = Array.isArray(o.versions) ? o.versions : Array.isArray(o.items) ? o.items : [];
  for (const item of list) {
    const e = obj(item);
    if (!e || typeof e.version !== 'number') continue;
    const s = versionStatus(e);
    if (s) versions.set(e.version, s);
  }
  let ok: boolean | undefined;
  for (const k of ['ok', 'valid', 'verified', 'intact']) if (typeof o[k] === 'boolean') ok = o[k] as boolean;
  if (ok === undefined && typeof o.status === 'string') ok = /^(ok|valid|verified|intact)$/i.test(o.status);
  if (ok === undefined) ok = versions.size > 0 && [...versions.values()].every((s) => /^(ok|valid|verified)$/i.test(s));
  const detail = typeof o.detail === 'string' ? o.detail : typeof o.summary === 'string' ? o.summary : undefined;
  return { kind: 'report', ok, ...(detail ? { detail } : {}), versions };
};
