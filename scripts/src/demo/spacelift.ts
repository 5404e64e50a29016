/**
 * Signed sample Spacelift deliveries for the demo: tracked runs whose planned changes come from the
 * offline Terraform plans (as a notification policy's run_updated payload carries them), each
 * followed by its outcome (applied, or an apply that failed).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { loadPlan } from './seed';

interface PlanResourceChange {
  address: string;
  mode: string;
  type: string;
  name: string;
  change: { actions: string[]; before: unknown; after: unknown };
}

/** Terraform plan actions as Spacelift names them in run changes. */
const spaceliftAction = (actions: string[]): string | undefined => {
  const a = actions.join(',');
  if (a === 'create') return 'added';
  if (a === 'update') return 'changed';
  if (a === 'delete') return 'deleted';
  if (a === 'delete,create') return 'destroy-Before-create-replaced';
  if (a === 'create,delete') return 'create-Before-destroy-replaced';
  return undefined; // no-op, read
};

/** A plan's managed resource changes as Spacelift's run `changes` (phase plan, the planned values as data). */
export const spaceliftChanges = (plan: unknown) => {
  const changes = ((plan as { resource_changes?: PlanResourceChange[] }).resource_changes ?? []).filter((rc) => rc.mode === 'managed');
  return changes.flatMap((rc) => {
    const action = spaceliftAction(rc.change.actions);
    if (!action) return [];
    const values = (action === 'deleted' ? rc.change.before : rc.change.after) ?? {};
    return [{ action, entity: { address: rc.address, name: rc.name, type: rc.type, entity_vendor: 'Terraform', entity_type: 'resource', data: { values } }, phase: 'plan' }];
  });
};

/** A run id shaped like Spacelift's (26 Crockford base-32 characters), new for every demo run so deliveries are not duplicates. */
const runId = (): string => {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return [...randomBytes(26)].map((b) => alphabet[b % 32]).join('');
};

export interface SpaceliftSample {
  plan: string;
  stackId: string;
  stackName: string;
  repository: string;
  commitMessage: string;
  outcome: 'FINISHED' | 'FAILED';
}

export const SPACELIFT_SAMPLES: readonly SpaceliftSample[] = [
  { plan: 'modules', stackId: 'prod-web', stackName: 'Production web', repository: 'acme/infra-live', commitMessage: 'Website bucket from the shared module', outcome: 'FINISHED' },
  { plan: 'deletes', stackId: 'legacy-db', stackName: 'Legacy database', repository: 'acme/infra-live', commitMessage: 'Retire the legacy database', outcome: 'FAILED' },
];

/** The run_updated body of one state of a tracked run (changes only on the state that is reviewed). */
export const runUpdatedBody = (s: SpaceliftSample, id: string, state: string, at: Date, withChanges: boolean) => {
  const sha = createHmac('sha1', 'demo').update(`${id}`).digest('hex');
  return {
    account: 'acme',
    state,
    username: 'demo',
    run: {
      id,
      type: 'TRACKED',
      state,
      branch: 'main',
      ...(withChanges ? { changes: spaceliftChanges(loadPlan(s.plan)) } : {}),
      commit: { author: 'demo', branch: 'main', hash: sha, message: s.commitMessage, url: `https://github.com/${s.repository}/commit/${sha}` },
      created_at: Math.floor(at.getTime() / 1000),
      updated_at: Math.floor(at.getTime() / 1000),
      triggered_by: 'demo',
    },
    stack: { id: s.stackId, name: s.stackName, repository: s.repository.split('/')[1], namespace: s.repository.split('/')[0], branch: 'main', labels: ['demo'] },
    urls: { run: `https://acme.app.spacelift.io/stack/${s.stackId}/run/${id}` },
  };
};

/** X-Signature-256 as Spacelift sends it: HMAC-SHA256 of the raw body. */
export const signSpacelift = (secret: string, rawBody: string): string => `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;

export interface DeliveryResult {
  run: string;
  state: string;
  status: number;
  outcome?: string;
  reviewId?: string;
}

/** Posts one signed delivery; the answer's status and review id. */
export const deliverSpacelift = async (baseUrl: string, secret: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
  const raw = JSON.stringify(body);
  const res = await fetch(`${baseUrl}/webhook/spacelift`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Signature-256': signSpacelift(secret, raw) }, body: raw });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, json };
};

export { runId as newSpaceliftRunId };
