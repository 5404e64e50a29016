import { createDynamoDbTablePort, createVersionedStore, type StoredItem, type TablePort, type VersionedStore } from '@iac-review/dynamo-versioning';
import type { Category, Finding, RiskLevel, Severity } from '@iac-review/core';
import { findingId, reviewHead, type ReviewContent, type ReviewSource, type ReviewStatus } from '@iac-review/reviews';
import type { LocalTable } from './dynalite';

/** Deterministic PRNG (mulberry32), so every run seeds the same reviews. */
export const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

export const RULES: Array<{ ruleId: string; category: Category; severity: Severity }> = [
  { ruleId: 'NET-001', category: 'network-exposure', severity: 'high' },
  { ruleId: 'IAM-002', category: 'iam', severity: 'critical' },
  { ruleId: 'ENC-003', category: 'encryption', severity: 'medium' },
  { ruleId: 'LOG-001', category: 'logging', severity: 'low' },
  { ruleId: 'S3-004', category: 'public-access', severity: 'high' },
  { ruleId: 'llm:open-port', category: 'network-exposure', severity: 'medium' },
];
export const RESOURCES = ['aws_security_group.web', 'aws_iam_role.deploy', 'aws_s3_bucket.logs', 'aws_db_instance.main', 'aws_kms_key.app'];
export const REPOS = ['acme/infra', 'acme/network', 'beta/platform'];
export const STACKS = ['prod-network', 'prod-data'];

const levelOf = (score: number): RiskLevel => (score >= 75 ? 'critical' : score >= 50 ? 'high' : score >= 25 ? 'medium' : 'low');

/** One seeded review: the versions written in order, and when. */
export interface SeedReview {
  id: string;
  day: string;
  createdAt: string;
  versions: Array<{ at: string; content: ReviewContent; reason: string }>;
  final: ReviewContent;
}

/** `perDay` reviews on each of `days`, with sources, risks, feedback and outcomes drawn at random. */
export const makeSeed = (days: string[], perDay: number, seed = 12): SeedReview[] => {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const out: SeedReview[] = [];
  let n = 0;
  for (const day of days) {
    for (let i = 0; i < perDay; i++) {
      n++;
      const id = `rev-${day}-${String(i).padStart(4, '0')}`;
      const secs = Math.floor(rnd() * 86_000);
      const t = (offset: number) => new Date(Date.parse(`${day}T00:00:00.000Z`) + (secs + offset) * 1000).toISOString();
      const source: ReviewSource = pick(['api', 'github', 'spacelift'] as const);
      const repository = rnd() < 0.8 ? pick(REPOS) : undefined;
      const stack = source === 'spacelift' || rnd() < 0.2 ? pick(STACKS) : undefined;
      const base: ReviewContent = {
        status: 'pending',
        source,
        ...(repository ? { repository } : {}),
        ...(stack ? { stack } : {}),
        submittedBy: 'seed',
        input: { kind: 'plan', key: `inputs/${id}.json`, sha256: '0'.repeat(64), size: 10 },
        acknowledged: false,
        dismissedFindings: [],
        feedback: [],
      };
      const versions: SeedReview['versions'] = [{ at: t(0), content: base, reason: 'submitted for review' }];
      const roll = rnd();
      let final: ReviewContent = base;
      if (roll < 0.08) {
        // stays pending
      } else if (roll < 0.16) {
        final = { ...base, status: 'failed', failure: { reason: 'not a plan' } };
        versions.push({ at: t(5), content: final, reason: 'review failed' });
      } else {
        const status: ReviewStatus = rnd() < 0.25 ? 'completed-degraded' : 'completed';
        const score = Math.floor(rnd() * 101);
        const findings: Finding[] = [];
        const used = new Set<string>();
        const count = Math.floor(rnd() * 5);
        for (let k = 0; k < count; k++) {
          const r = pick(RULES);
          const resourceAddress = pick(RESOURCES);
          if (used.has(`${r.ruleId}@${resourceAddress}`)) continue;
          used.add(`${r.ruleId}@${resourceAddress}`);
          findings.push({ ...r, resourceAddress, message: 'm', remediation: 'r', source: r.ruleId.startsWith('llm:') ? 'llm' : 'rule' });
        }
        const changedResources = [...new Set([...findings.map((f) => f.resourceAddress), pick(RESOURCES)])].sort();
        const reviewedAt = t(10);
        final = {
          ...base,
          status,
          result: {
            riskScore: score,
            riskLevel: levelOf(score),
            confidence: Math.round(rnd() * 1000) / 1000,
            summary: 's',
            findings,
            contributions: [],
            stats: { changedResources },
            reviewer: { mode: 'rules-only' },
            reviewedVersion: 1,
            reviewedAt,
          },
        };
        versions.push({ at: reviewedAt, content: final, reason: 'review completed' });
        // People's feedback: dismiss a finding, override the risk.
        if (findings.length > 0 && rnd() < 0.3) {
          const f = pick(findings);
          final = { ...final, dismissedFindings: [findingId(f)], feedback: [...final.feedback, { action: 'dismiss-finding', findingId: findingId(f), comment: 'fp', actor: 'alice', at: t(20) }] };
          versions.push({ at: t(20), content: final, reason: 'feedback: dismiss-finding' });
        } else if (rnd() < 0.15) {
          final = { ...final, acknowledged: true, feedback: [...final.feedback, { action: 'acknowledge', comment: 'ok', actor: 'bob', at: t(20) }] };
          versions.push({ at: t(20), content: final, reason: 'feedback: acknowledge' });
        }
        if (rnd() < 0.1) {
          const to = pick(['low', 'medium', 'high', 'critical'] as const);
          final = { ...final, riskOverride: { riskLevel: to, actor: 'carol', comment: 'c' }, feedback: [...final.feedback, { action: 'override-risk', riskLevel: to, comment: 'c', actor: 'carol', at: t(30) }] };
          versions.push({ at: t(30), content: final, reason: 'feedback: override-risk' });
        }
        // Outcomes, as the Spacelift and GitHub handlers record them.
        if (source === 'spacelift' && rnd() < 0.7) {
          const state = pick(['failed', 'finished', 'finished', 'discarded']);
          final = { ...final, external: { ...(final.external ?? {}), runId: `run-${n}`, outcome: state, outcomeAt: t(40), outcomeBy: 'spacelift-user' } };
          versions.push({ at: t(40), content: final, reason: `run ${state}` });
        }
        if (source === 'github' && rnd() < 0.6) {
          const merged = rnd() < 0.7;
          final = { ...final, external: { ...(final.external ?? {}), pullRequest: String(n), outcome: merged ? 'merged' : 'closed', closedAt: t(50) } };
          versions.push({ at: t(50), content: final, reason: merged ? 'pull request merged' : 'pull request closed without merging' });
        }
      }
      out.push({ id, day, createdAt: t(0), versions, final });
    }
  }
  return out;
};

/** A table port that counts the requests and items each operation reads (GSI queries by index). */
export const countingPort = (inner: TablePort) => {
  const counts = { queries: [] as Array<{ index?: string; partition: string; items: number }>, gets: 0 };
  const port: TablePort = {
    ...inner,
    get: async (t, k, o) => {
      counts.gets++;
      return inner.get(t, k, o);
    },
    query: async (t, q) => {
      const page = await inner.query(t, q);
      counts.queries.push({ ...(q.index ? { index: q.index } : {}), partition: q.partition.value, items: page.items.length });
      return page;
    },
  };
  return { port, counts, reset: () => ((counts.queries = []), (counts.gets = 0)) };
};

/** The review store over dynalite, with a clock the seeding moves. */
export const reviewStoreOn = (table: LocalTable, clock: { now: Date }, port?: TablePort): VersionedStore<ReviewContent> =>
  createVersionedStore<ReviewContent>({
    table: port ?? createDynamoDbTablePort({ client: table.client }),
    tableName: table.tableName,
    entity: 'REVIEW',
    head: reviewHead,
    clock: () => clock.now,
  });

/** Writes the seeded versions: each review's in order under its own clock, 8 reviews at a time. */
export const writeSeed = async (port: TablePort, tableName: string, seed: SeedReview[]): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < seed.length) {
      const r = seed[next++] as SeedReview;
      const clock = { now: new Date(r.createdAt) };
      const store = createVersionedStore<ReviewContent>({ table: port, tableName, entity: 'REVIEW', head: reviewHead, clock: () => clock.now });
      for (const [i, v] of r.versions.entries()) {
        clock.now = new Date(v.at);
        if (i === 0) await store.create(r.id, v.content, { actor: 'seed', reason: v.reason });
        else await store.append(r.id, v.content, { actor: 'seed', reason: v.reason, expectedVersion: i });
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
};

export type { StoredItem };
