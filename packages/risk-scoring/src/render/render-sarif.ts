import type * as Crypto from 'node:crypto';
import type { Finding, Severity } from '@iac-review/core';
import type { ReviewResult } from '../types';
import { rules } from '../rules/catalogue';

export interface SarifOptions {
  /** Artifact URI used when a finding's resource has no source location (e.g. the plan file). */
  artifactUri?: string;
  /** Source locations by resource address (HCL input). */
  locations?: Record<string, { file: string; line: number }>;
  toolVersion?: string;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub code scanning maps security-severity to critical ≥ 9, high ≥ 7, medium ≥ 4, low > 0. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.5' };

/**
 * node:crypto, loaded on first use: a static import costs every `review` run (most never render
 * SARIF) a couple of milliseconds of start-up. `require` is the fallback before Node.js 20.16.
 */
let crypto: typeof Crypto | undefined;
const loadCrypto = (): typeof Crypto =>
  (crypto ??=
    (process.getBuiltinModule?.('node:crypto') as typeof Crypto | undefined) ??
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous fallback for Node.js < 20.16 (the bundle defines `require`)
    (require('node:crypto') as typeof Crypto));

const fingerprint = (f: Finding): string => loadCrypto().createHash('sha256').update(`${f.ruleId}\u0000${f.resourceAddress}`).digest('hex').slice(0, 32);

/** SARIF 2.1.0 log for GitHub code scanning. */
export function renderSarif(result: ReviewResult, options: SarifOptions = {}): Record<string, unknown> {
  const used = [...new Set(result.findings.map((f) => f.ruleId))];
  const catalogue = new Map(rules.map((r) => [r.id, r]));
  const ruleIndex = new Map(used.map((id, i) => [id, i]));
  const sarifRules = used.map((id) => {
    const r = catalogue.get(id);
    const f = result.findings.find((x) => x.ruleId === id);
    const severity = r?.severity ?? f?.severity ?? 'medium';
    return {
      id,
      name: (r?.title ?? f?.title ?? id).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: r?.title ?? f?.title ?? id },
      fullDescription: { text: r?.title ?? f?.title ?? id },
      help: { text: r?.remediation ?? f?.remediation ?? '', markdown: `${r?.remediation ?? f?.remediation ?? ''}\n\nReferences: ${(r?.references ?? f?.references ?? []).join(', ')}` },
      defaultConfiguration: { level: LEVEL[severity] },
      properties: { tags: ['security', r?.category ?? f?.category ?? 'iac'], 'security-severity': SECURITY_SEVERITY[severity], precision: 'high' },
    };
  });
  const results = result.findings.map((f) => {
    const loc = options.locations?.[f.resourceAddress];
    const uri = loc?.file ?? options.artifactUri ?? 'plan.json';
    return {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId) ?? 0,
      level: LEVEL[f.severity],
      message: { text: `${f.resourceAddress}: ${f.message}` },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: uri.replace(/\\/g, '/') }, region: { startLine: loc?.line ?? 1 } },
          logicalLocations: [{ fullyQualifiedName: f.resourceAddress, kind: 'resource' }],
        },
      ],
      partialFingerprints: { 'iacReviewFinding/v1': fingerprint(f) },
      properties: { category: f.category, severity: f.severity },
      // An accepted risk: GitHub code scanning shows it as dismissed, not open.
      ...(f.suppressed
        ? {
            suppressions: [
              {
                kind: f.suppressed.kind === 'inline' ? 'inSource' : 'external',
                status: 'accepted',
                justification: `${f.suppressed.reason}${f.suppressed.until ? ` (until ${f.suppressed.until})` : ''}${f.suppressed.by ? ` — ${f.suppressed.by}` : ''}`,
                ...(f.suppressed.location ? { properties: { location: f.suppressed.location } } : {}),
              },
            ],
          }
        : {}),
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'iac-review', informationUri: 'https://iac-review.dev', version: options.toolVersion ?? '0.1.0', rules: sarifRules } },
        results,
        properties: { riskScore: result.riskScore, riskLevel: result.riskLevel, confidence: result.confidence },
      },
    ],
  };
}
