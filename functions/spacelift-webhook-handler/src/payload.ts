import { RequestValidationError } from '@iac-review/core';
import type { SpaceliftChange, SpaceliftRunEvent } from '@iac-review/reviews';

/** The default run-event payload of a named webhook (as validated by payload-schema.ts). */
export interface DefaultRunEvent {
  account: string;
  state: string;
  stateVersion: number;
  timestamp: number;
  run: {
    id: string;
    type: string;
    branch?: string | null;
    commit?: { authorLogin?: string | null; authorName?: string | null; hash?: string; message?: string | null; timestamp?: number; url?: string | null };
    createdAt?: number;
    delta?: { added?: number; changed?: number; deleted?: number; resources?: number };
    triggeredBy?: string | null;
    url?: string | null;
  };
  stack: { id: string; name?: string | null; description?: string | null; labels?: string[] };
}

/** A notification policy's `input.run_updated` (plus an optional `account`). */
export interface RunUpdated {
  account?: string | { name: string };
  state?: string;
  username?: string | null;
  note?: string | null;
  run: {
    id: string;
    type: string;
    state: string;
    branch?: string | null;
    changes?: Array<{
      action: string;
      entity: { address?: string; name?: string | null; type?: string | null; entity_type?: string | null; entity_vendor?: string | null; data?: Record<string, unknown> | null };
      phase?: string | null;
      moved?: boolean | null;
    }>;
    commit?: { author?: string | null; branch?: string | null; created_at?: number; hash?: string; message?: string | null; url?: string | null };
    created_at?: number;
    updated_at: number;
    triggered_by?: string | null;
  };
  stack: { id: string; name?: string | null; repository?: string | null; namespace?: string | null; branch?: string | null; labels?: string[] };
  urls?: { run?: string | null };
}

export type SpaceliftPayload = DefaultRunEvent | RunUpdated | { account?: { name: string }; run_updated: RunUpdated };

const OWNER_REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const ACCOUNT_FROM_URL = /^https:\/\/([a-z0-9-]+)\.app\.spacelift\.io\//i;

/** A timestamp of unknown unit (Spacelift uses seconds in webhooks, nanoseconds in policy input) → ISO 8601. */
export const toIso = (t: number): string => {
  const ms = t > 1e17 ? t / 1e6 : t > 1e14 ? t / 1e3 : t > 1e11 ? t : t * 1000;
  return new Date(Math.floor(ms)).toISOString();
};

/** owner/name from a GitHub-style commit URL (`https://github.com/owner/name/commit/sha`). */
const repositoryFromCommitUrl = (url: string | null | undefined): string | undefined => {
  const m = /^https:\/\/[^/]+\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/(?:-\/)?commits?\//.exec(url ?? '');
  return m ? `${m[1]}/${m[2]}` : undefined;
};

const opt = <K extends string, V>(key: K, v: V | null | undefined): Partial<Record<K, V>> => (v === null || v === undefined || v === '' ? {} : ({ [key]: v } as Record<K, V>));

const fromDefault = (p: DefaultRunEvent, actor: string): SpaceliftRunEvent => ({
  account: p.account.toLowerCase(),
  runId: p.run.id,
  runType: p.run.type.toUpperCase(),
  state: p.state.toUpperCase(),
  stateVersion: p.stateVersion,
  stateAt: toIso(p.timestamp),
  stackId: p.stack.id,
  ...opt('stackName', p.stack.name),
  ...opt('repository', repositoryFromCommitUrl(p.run.commit?.url)),
  ...opt('branch', p.run.branch),
  ...opt('commitSha', p.run.commit?.hash),
  ...opt('commitUrl', p.run.commit?.url),
  ...opt('commitMessage', p.run.commit?.message),
  ...opt('runUrl', p.run.url),
  ...opt('triggeredBy', p.run.triggeredBy),
  actor,
});

/** Terraform resource changes of the plan phase, as the review input (outputs and other vendors' entities are left out). */
const changesOf = (run: RunUpdated['run']): SpaceliftChange[] | undefined => {
  if (!Array.isArray(run.changes)) return undefined;
  const out: SpaceliftChange[] = [];
  for (const c of run.changes) {
    const e = c.entity;
    if (!e.address || (c.phase && c.phase !== 'plan')) continue;
    if (e.entity_type && e.entity_type !== 'resource') continue;
    if (e.type === 'output') continue;
    const values = e.data && typeof e.data.values === 'object' && e.data.values !== null && !Array.isArray(e.data.values) ? (e.data.values as Record<string, unknown>) : undefined;
    out.push({
      action: c.moved && c.action === 'changed' ? 'moved' : c.action,
      address: e.address,
      ...opt('type', e.type),
      ...opt('name', e.name),
      ...opt('entityType', e.entity_type),
      ...opt('phase', c.phase),
      ...(values ? { values } : {}),
    });
  }
  return out;
};

const fromRunUpdated = (p: RunUpdated, wrapperAccount: string | undefined, actor: string): SpaceliftRunEvent => {
  const account = wrapperAccount ?? (typeof p.account === 'string' ? p.account : p.account?.name) ?? ACCOUNT_FROM_URL.exec(p.urls?.run ?? '')?.[1];
  if (!account) {
    throw new RequestValidationError('The run_updated payload names no Spacelift account: add "account": input.account.name to the notification policy payload, or send the run URL in urls.run.', [
      { field: 'body:account', reason: 'is required when urls.run is absent' },
    ]);
  }
  const repo = p.stack.namespace && p.stack.repository ? `${p.stack.namespace}/${p.stack.repository}` : (p.stack.repository ?? undefined);
  const changes = changesOf(p.run);
  return {
    account: account.toLowerCase(),
    runId: p.run.id,
    runType: p.run.type.toUpperCase(),
    state: (p.state ?? p.run.state).toUpperCase(),
    stateAt: toIso(p.run.updated_at),
    stackId: p.stack.id,
    ...opt('stackName', p.stack.name),
    ...opt('repository', repo && OWNER_REPO.test(repo) ? repo : repositoryFromCommitUrl(p.run.commit?.url)),
    ...opt('branch', p.run.branch ?? p.run.commit?.branch),
    ...opt('commitSha', p.run.commit?.hash),
    ...opt('commitUrl', p.run.commit?.url),
    ...opt('commitMessage', p.run.commit?.message),
    ...opt('runUrl', p.urls?.run),
    ...opt('triggeredBy', p.run.triggered_by),
    ...opt('by', p.username),
    ...(changes ? { changes } : {}),
    actor,
  };
};

/** Either payload shape (already schema-validated) → the one run event the review domain understands. */
export const toRunEvent = (p: SpaceliftPayload, actor = 'spacelift'): SpaceliftRunEvent => {
  if ('run_updated' in p) return fromRunUpdated(p.run_updated, p.account?.name, actor);
  if ('stateVersion' in p) return fromDefault(p, actor);
  return fromRunUpdated(p as RunUpdated, undefined, actor);
};

/**
 * The delivery's dedupe key. Spacelift sends no delivery id and retries up to 3 times on 5xx, so a
 * delivery is (account, run, state, stateVersion) — or the state's time when the payload has no
 * stateVersion (notification-policy payloads).
 */
export const dedupeKey = (ev: SpaceliftRunEvent): string => `${ev.account}/${ev.runId}/${ev.state}/${ev.stateVersion ?? ev.stateAt}`;
