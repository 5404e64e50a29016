import type { SpaceliftChange, SpaceliftChangesInput, SpaceliftRunInput } from '@iac-review/reviews';
import type { Action, AttributePath, ResourceChange } from '@iac-review/risk-scoring';
import type { ReviewOutcome } from './review-outcome';

/** Port: fetches a run's planned changes from Spacelift (createSpaceliftGraphqlClient). */
export interface SpaceliftChangesPort {
  runChanges(stackId: string, runId: string): Promise<SpaceliftChange[]>;
}

/** Why a review saw less than the whole change; the review completes degraded and says so. */
export interface InputDegradation {
  reason: string;
  detail: string;
}

export interface NormalisedSpaceliftInput {
  inputKind: 'plan';
  changes: ResourceChange[];
  degraded?: InputDegradation;
  /** Said in the summary without degrading the review (e.g. values not available). */
  note?: string;
}

const ACTIONS: Record<string, Action[]> = {
  added: ['create'],
  changed: ['update'],
  deleted: ['delete'],
  'destroy-Before-create-replaced': ['delete', 'create'],
  'create-Before-destroy-replaced': ['create', 'delete'],
  imported: ['no-op'],
  moved: ['no-op'],
  forgotten: ['no-op'],
  'no-op': ['no-op'],
  read: ['read'],
};

const SEGMENT = /^(data\.)?([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)(\[(.+)\])?$/;

/** `module.a["x"].data.aws_iam_policy_document.p[0]` → module address, mode, type, name, index. */
export const parseAddress = (address: string): Pick<ResourceChange, 'type' | 'name' | 'mode'> & { moduleAddress?: string; index?: string | number } => {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (const ch of address) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '[') depth++;
    if (!quoted && ch === ']') depth--;
    if (ch === '.' && depth === 0 && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const modules: string[] = [];
  while (parts[0] === 'module' && parts.length > 2) {
    modules.push(`module.${parts[1]}`);
    parts.splice(0, 2);
  }
  const rest = parts.join('.');
  const m = SEGMENT.exec(rest);
  const moduleAddress = modules.length ? modules.join('.') : undefined;
  if (!m) return { type: rest, name: rest, mode: 'managed', ...(moduleAddress ? { moduleAddress } : {}) };
  const rawIndex = m[5];
  const index = rawIndex === undefined ? undefined : /^\d+$/.test(rawIndex) ? Number(rawIndex) : rawIndex.replace(/^"|"$/g, '');
  return { type: m[2] as string, name: m[3] as string, mode: m[1] ? 'data' : 'managed', ...(moduleAddress ? { moduleAddress } : {}), ...(index !== undefined ? { index } : {}) };
};

/**
 * Spacelift's planned changes (payload `run.changes[]` or the API's `changesV3`) as the engine's
 * ResourceChange. With `values` the planned attributes are known (rules read them); without, every
 * attribute is marked unknown, so attribute rules stay undetermined instead of guessing and only the
 * actions (create, delete, replace…) count.
 */
export const toResourceChanges = (changes: readonly SpaceliftChange[]): ResourceChange[] =>
  changes
    .filter((c) => (c.entityType ?? 'resource') === 'resource' && c.type !== 'output' && (c.phase ?? 'plan') === 'plan')
    .map((c) => {
      const parsed = parseAddress(c.address);
      const type = c.type ?? parsed.type;
      const actions = ACTIONS[c.action] ?? ['update'];
      const deleting = actions.length === 1 && actions[0] === 'delete';
      const known = c.values !== undefined;
      const unknownPaths: AttributePath[] = known || deleting ? [] : [[]];
      return {
        address: c.address,
        type,
        name: c.name ?? parsed.name,
        provider: type.includes('_') ? type.slice(0, type.indexOf('_')) : type,
        mode: parsed.mode,
        ...(parsed.moduleAddress ? { moduleAddress: parsed.moduleAddress } : {}),
        ...(parsed.index !== undefined ? { index: parsed.index } : {}),
        actions,
        before: deleting && known ? (c.values as Record<string, unknown>) : null,
        after: deleting ? null : known ? (c.values as Record<string, unknown>) : {},
        unknownPaths,
        sensitivePaths: [],
        replacePaths: [],
        source: 'plan' as const,
      };
    });

const VALUES_NOTE = 'Spacelift gave the resource addresses and actions but not their values, so attribute rules could not decide; for a full review post the plan from an after_plan hook (see docs/spacelift-after-plan.md).';

/** Turns a stored Spacelift input into changes to review, fetching them through the API when the payload had none. */
export const normaliseSpaceliftInput = async (input: SpaceliftChangesInput | SpaceliftRunInput, port: SpaceliftChangesPort | undefined): Promise<NormalisedSpaceliftInput> => {
  if (input.kind === 'spacelift-changes') {
    const changes = toResourceChanges(input.changes);
    const withoutValues = input.changes.some((c) => c.values === undefined);
    return { inputKind: 'plan', changes, ...(withoutValues ? { note: VALUES_NOTE } : {}) };
  }
  if (!port) {
    return {
      inputKind: 'plan',
      changes: [],
      degraded: {
        reason: 'spacelift-api-unconfigured',
        detail: `The changes of Spacelift run ${input.runId} could not be fetched: SPACELIFT_API_URL and an API key are not configured. Nothing was reviewed; configure them, or post the plan from an after_plan hook.`,
      },
    };
  }
  try {
    const changes = toResourceChanges(await port.runChanges(input.stackId, input.runId));
    return { inputKind: 'plan', changes, note: VALUES_NOTE };
  } catch (err) {
    return {
      inputKind: 'plan',
      changes: [],
      degraded: {
        reason: 'spacelift-api-unavailable',
        detail: `The changes of Spacelift run ${input.runId} could not be fetched (${err instanceof Error ? err.message : String(err)}). Nothing was reviewed.`,
      },
    };
  }
};

/**
 * Marks an outcome degraded by its input: status `completed-degraded`, the reason on the reviewer,
 * confidence 0 (nothing was reviewed), and the reason first in the summary. A note only adds text.
 */
export const withInputDegradation = (outcome: ReviewOutcome, n: { degraded?: InputDegradation; note?: string }): ReviewOutcome => {
  if (n.degraded) {
    return {
      status: 'completed-degraded',
      result: {
        ...outcome.result,
        confidence: 0,
        summary: `${n.degraded.detail}\n\n${outcome.result.summary}`,
        reviewer: { ...outcome.result.reviewer, degradedReason: n.degraded.reason },
        stats: { ...outcome.result.stats, input: { degradedReason: n.degraded.reason } },
      },
    };
  }
  if (n.note) return { ...outcome, result: { ...outcome.result, summary: `${outcome.result.summary}\n\n${n.note}` } };
  return outcome;
};
