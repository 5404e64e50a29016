import type { FieldError } from '@iac-review/core';

/** The fields of a `pull_request` delivery this service uses (GitHub sends many more). */
export interface PullRequestEvent {
  action: string;
  number: number;
  pull_request: {
    number: number;
    title: string;
    html_url?: string;
    draft?: boolean;
    merged?: boolean;
    merged_at?: string | null;
    closed_at?: string | null;
    merge_commit_sha?: string | null;
    changed_files?: number;
    head: { sha: string; ref: string };
    base: { sha: string; ref: string };
  };
  repository: { full_name: string };
  installation?: { id: number };
  sender?: { login: string };
}

export interface PingEvent {
  zen?: string;
  hook_id?: number;
}

const SHA = /^[0-9a-f]{40}$/;
const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a `pull_request` payload; every problem names the field (as `body:pull_request.head.sha`). */
export const validatePullRequestEvent = (payload: unknown): { ok: true; event: PullRequestEvent } | { ok: false; errors: FieldError[] } => {
  const errors: FieldError[] = [];
  const need = (ok: boolean, field: string, reason: string) => {
    if (!ok) errors.push({ field: `body:${field}`, reason });
  };
  if (!isRecord(payload)) return { ok: false, errors: [{ field: 'body', reason: 'must be a JSON object' }] };
  need(typeof payload.action === 'string' && payload.action.length > 0, 'action', 'must be a non-empty string');
  need(Number.isSafeInteger(payload.number) && (payload.number as number) > 0, 'number', 'must be a positive integer');
  const pr = payload.pull_request;
  if (!isRecord(pr)) {
    errors.push({ field: 'body:pull_request', reason: 'is required (an object)' });
  } else {
    need(typeof pr.title === 'string', 'pull_request.title', 'must be a string');
    need(pr.draft === undefined || typeof pr.draft === 'boolean', 'pull_request.draft', 'must be a boolean');
    need(pr.merged === undefined || pr.merged === null || typeof pr.merged === 'boolean', 'pull_request.merged', 'must be a boolean');
    need(pr.changed_files === undefined || (Number.isSafeInteger(pr.changed_files) && (pr.changed_files as number) >= 0), 'pull_request.changed_files', 'must be a non-negative integer');
    for (const side of ['head', 'base'] as const) {
      const s = pr[side];
      if (!isRecord(s)) {
        errors.push({ field: `body:pull_request.${side}`, reason: 'is required (an object)' });
        continue;
      }
      need(typeof s.sha === 'string' && SHA.test(s.sha), `pull_request.${side}.sha`, 'must be a 40-character lowercase hex commit SHA');
      need(typeof s.ref === 'string' && s.ref.length > 0, `pull_request.${side}.ref`, 'must be a non-empty string');
    }
  }
  const repo = payload.repository;
  if (!isRecord(repo)) errors.push({ field: 'body:repository', reason: 'is required (an object)' });
  else need(typeof repo.full_name === 'string' && REPO.test(repo.full_name), 'repository.full_name', 'must be owner/name');
  const inst = payload.installation;
  need(inst === undefined || inst === null || (isRecord(inst) && Number.isSafeInteger(inst.id)), 'installation.id', 'must be an integer');
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, event: payload as unknown as PullRequestEvent };
};
