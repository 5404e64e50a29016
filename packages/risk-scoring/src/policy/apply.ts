import picomatch from 'picomatch';
import type { Finding, RiskLevel, Severity, Suppression } from '@iac-review/core';
import type { ResourceChange } from '../types';
import type { Rule } from '../rules/rule';
import { rules as catalogue } from '../rules/catalogue';
import type { LoadedConfig } from './config';
import { compileCustomRules } from './custom-rules';
import { collectInlineDirectives, type InlineDirective } from './inline';

/** The repository's policy for one review. */
export interface PolicyOptions {
  /** `.iac-review.yml` / `.iac-review.json`, parsed and validated. */
  config?: LoadedConfig;
  /**
   * Directory of the reviewed files relative to the config file's directory (`infra` when the CLI
   * reviews `infra/` and the config is at the root); `path.include`/`exclude` match `prefix/file`.
   */
  pathPrefix?: string;
  /** Today (UTC) as YYYY-MM-DD: suppressions expire after their day. Default: the current date. */
  today?: string;
  /** Read `iac-review:ignore` comments from the `.tf` source (default true). */
  inline?: boolean;
  /** The `.tf` source to read inline suppressions from, when the review is not given it as `source`. */
  files?: readonly { path: string; content: string }[];
}

/** What the policy did, for the review's stats and every output format. */
export interface PolicyStats {
  /** The config file, when there was one. */
  config?: string;
  failOn?: RiskLevel;
  /** Findings kept in the review but silenced by a suppression. */
  suppressed: number;
  /** Findings left out because their file is outside `paths`. */
  excluded: number;
  disabledRules: { ruleId: string; reason: string }[];
  severityOverrides: { ruleId: string; severity: Severity; reason: string }[];
  customRules: string[];
  /** Suppressions past their `until`/`expires` day that would have silenced a finding. */
  expired: { ruleId: string; resource: string; until: string; location: string }[];
}

/** Finding ids of the policy itself (never suppressible). */
export const SUPPRESSION_WITHOUT_REASON = 'SUPPRESS-001';
export const SUPPRESSION_EXPIRED = 'SUPPRESS-002';

/** Compiled once per pattern: inline directives are matched against every finding of their resource. */
const ruleMatchers = new Map<string, (id: string) => boolean>();
const ruleMatcher = (pattern: string): ((id: string) => boolean) => {
  let m = ruleMatchers.get(pattern);
  if (!m) {
    if (!/[*?[\]{}!]/.test(pattern)) m = (id) => id === pattern;
    else {
      const glob = picomatch(pattern, { nocase: false, dot: true });
      m = (id) => glob(id);
    }
    if (ruleMatchers.size < 1000) ruleMatchers.set(pattern, m);
  }
  return m;
};
const resourceMatcher = (pattern: string): ((address: string) => boolean) => {
  // Addresses contain [ ] and quotes: an exact address is compared as text; otherwise only * and ? are wildcards.
  if (!/[*?]/.test(pattern)) return (a) => a === pattern;
  const m = picomatch(pattern.replace(/[[\]{}()!+@]/g, (c) => `\\${c}`), { dot: true, bash: true });
  return (a) => a === pattern || m(a);
};

/** The rules a review runs under this policy: the catalogue without disabled rules, plus the custom rules. */
export function policyRules(config: LoadedConfig | undefined): readonly Rule[] {
  if (!config) return catalogue;
  const overrides = config.config.rules ?? {};
  const custom = compileCustomRules(config.config.customRules ?? []);
  return [...catalogue, ...custom].filter((r) => !overrides[r.id]?.disabled);
}

const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/**
 * Applies the policy to a review's findings: severity overrides, path filters, config and inline
 * suppressions (a finding they silence gets `suppressed`), and the policy's own findings (a
 * suppression without a reason; one that has expired). Returns the findings and what was done.
 */
export function applyPolicy(findings: Finding[], changes: readonly ResourceChange[], policy: PolicyOptions, files?: readonly { path: string; content: string }[]): { findings: Finding[]; stats: PolicyStats } {
  const today = policy.today ?? todayUtc();
  const loaded = policy.config;
  const cfg = loaded?.config ?? {};
  const stats: PolicyStats = { suppressed: 0, excluded: 0, disabledRules: [], severityOverrides: [], customRules: (cfg.customRules ?? []).map((r) => `CUSTOM-${r.id}`), expired: [] };
  if (loaded) stats.config = loaded.file;
  if (cfg.failOn) stats.failOn = cfg.failOn;
  for (const [ruleId, o] of Object.entries(cfg.rules ?? {})) {
    if (o.disabled) stats.disabledRules.push({ ruleId, reason: o.reason });
    else if (o.severity) stats.severityOverrides.push({ ruleId, severity: o.severity, reason: o.reason });
  }
  // Paths: findings on resources declared in files outside include / inside exclude are left out.
  const include = cfg.paths?.include?.length ? picomatch(cfg.paths.include, { dot: true }) : undefined;
  const exclude = cfg.paths?.exclude?.length ? picomatch(cfg.paths.exclude, { dot: true }) : undefined;
  const sourceFiles = files ?? policy.files;
  // Directives are matched through a change's source location, which only Terraform source gives.
  const located = sourceFiles !== undefined && changes.some((c) => c.location !== undefined);
  // Nothing to apply (no config rules, paths or suppressions; no source to read directives from):
  // the findings stay as they are, without a pass over them.
  if (!include && !exclude && !cfg.rules && !cfg.suppressions?.length && (policy.inline === false || !located)) return { findings: findings.slice(), stats };
  const byAddress = new Map<string, ResourceChange>();
  for (const c of changes) byAddress.set(c.address, c);
  const prefix = (policy.pathPrefix ?? '').replace(/\\/g, '/').replace(/^\.\/?/, '').replace(/\/$/, '');
  const inScope = (f: Finding): boolean => {
    if (!include && !exclude) return true;
    const file = byAddress.get(f.resourceAddress)?.location?.file;
    if (!file) return true; // plan JSON: no file names
    const path = `${prefix ? `${prefix}/` : ''}${file.replace(/\\/g, '/').replace(/^\.\//, '')}`;
    if (include && !include(path)) return false;
    return !(exclude && exclude(path));
  };

  const suppressions = (cfg.suppressions ?? []).map((s, i) => ({ ...s, matchRule: ruleMatcher(s.rule), matchResource: resourceMatcher(s.resource), location: `${loaded?.file ?? '.iac-review.yml'}:${loaded?.suppressionLines[i] ?? 0}` }));
  const inline = policy.inline === false || !located ? new Map<string, InlineDirective[]>() : collectInlineDirectives(sourceFiles);
  const directivesFor = (address: string): InlineDirective[] => {
    const loc = byAddress.get(address)?.location;
    return loc ? (inline.get(`${loc.file}\u0000${loc.line}`) ?? []) : [];
  };

  const out: Finding[] = [];
  const extra: Finding[] = [];
  const noted = new Set<string>();
  const note = (key: string, f: Finding): void => {
    if (noted.has(key)) return;
    noted.add(key);
    extra.push(f);
  };
  for (const f0 of findings) {
    if (!inScope(f0)) {
      stats.excluded++;
      continue;
    }
    const override = cfg.rules?.[f0.ruleId];
    const f: Finding = override?.severity && !override.disabled ? { ...f0, severity: override.severity } : f0;
    if (f.ruleId.startsWith('SUPPRESS-')) {
      out.push(f);
      continue;
    }
    let suppressed: Suppression | undefined;
    for (const d of directivesFor(f.resourceAddress)) {
      if (!d.rules.some((r) => ruleMatcher(r)(f.ruleId))) continue;
      const where = `${d.file}:${d.line}`;
      if (!d.reason || d.problem) {
        note(`${SUPPRESSION_WITHOUT_REASON}\u0000${where}\u0000${f.resourceAddress}`, {
          ruleId: SUPPRESSION_WITHOUT_REASON,
          title: 'Suppression without a reason',
          severity: 'low',
          category: f.category,
          resourceAddress: f.resourceAddress,
          message: `The iac-review:ignore comment at ${where} ${d.problem ? d.problem : 'gives no reason'}, so it does not suppress ${f.ruleId}.`,
          remediation: 'Say why the risk is accepted and until when: # iac-review:ignore RULE-ID reason: <why>, until YYYY-MM-DD',
          source: 'rule',
        });
        continue;
      }
      if (d.until && d.until < today) {
        stats.expired.push({ ruleId: f.ruleId, resource: f.resourceAddress, until: d.until, location: where });
        note(`${SUPPRESSION_EXPIRED}\u0000${where}\u0000${f.resourceAddress}`, expiredFinding(f, where, d.until));
        continue;
      }
      suppressed = { kind: 'inline', reason: d.reason, location: where, ...(d.until ? { until: d.until } : {}), ...(d.by ? { by: d.by } : {}) };
      break;
    }
    if (!suppressed) {
      for (const s of suppressions) {
        if (!s.matchRule(f.ruleId) || !s.matchResource(f.resourceAddress)) continue;
        if (s.expires < today) {
          stats.expired.push({ ruleId: f.ruleId, resource: f.resourceAddress, until: s.expires, location: s.location });
          note(`${SUPPRESSION_EXPIRED}\u0000${s.location}\u0000${f.resourceAddress}`, expiredFinding(f, s.location, s.expires));
          continue;
        }
        suppressed = { kind: 'config', reason: s.reason, until: s.expires, location: s.location, ...(s.by ? { by: s.by } : {}) };
        break;
      }
    }
    if (suppressed) {
      stats.suppressed++;
      out.push({ ...f, suppressed });
    } else out.push(f);
  }
  for (const e of extra) out.push(e);
  return { findings: out, stats };
}

const expiredFinding = (f: Finding, where: string, until: string): Finding => ({
  ruleId: SUPPRESSION_EXPIRED,
  title: 'Expired suppression',
  severity: 'info',
  category: f.category,
  resourceAddress: f.resourceAddress,
  message: `The suppression of ${f.ruleId} at ${where} expired on ${until}; the finding counts again.`,
  remediation: 'Fix the finding, or renew the suppression with a new date and a reason that still holds.',
  source: 'rule',
});
