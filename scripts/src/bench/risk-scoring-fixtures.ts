/**
 * risk-scoring fixture suite: recall on the labelled positive fixtures and false-positive rate on
 * the labelled negative ones, for plan JSON and for Terraform source (HCL), from the cases of
 * packages/risk-scoring/test/rules/catalogue.test.ts (each case names a fixture, the addresses a rule
 * must flag and those it must not). Every case is scored on both inputs, also the ones the test
 * only asserts for one input, so the HCL column shows how close source review comes to a plan.
 * HCL input is the fixture's whole directory (main.tf, local modules, tfvars), as `review DIR` reads it.
 *
 * Usage: npx tsx scripts/src/bench/risk-scoring-fixtures.ts [--write]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { evaluateHcl, normalisePlan, reviewChanges, type SourceFile } from '../../../packages/risk-scoring/src/index';
import { machineLine, writeBenchmarkSection } from '../lib/bench';
import { repoRoot } from '../lib/repo';

const write = process.argv.includes('--write');
const pkg = join(repoRoot, 'packages', 'risk-scoring');
const testFile = join(pkg, 'test', 'rules', 'catalogue.test.ts');

interface Case {
  rule: string;
  fixture: string;
  bad: string[];
  good: string[];
  inputs: string;
}

/** Reads the CASES table of the catalogue test (one case object per line). */
function readCases(): Case[] {
  const text = readFileSync(testFile, 'utf8');
  const consts = new Map<string, string>();
  for (const m of text.matchAll(/^const ([A-Z]+) = '([a-z-]+)';$/gm)) consts.set(m[1]!, m[2]!);
  const cases: Case[] = [];
  let rule = '';
  for (const line of text.split('\n')) {
    const r = /^\s*'([A-Z]+-\d+)': \[/.exec(line);
    if (r) rule = r[1]!;
    for (const m of line.matchAll(/\{ fixture: ([A-Za-z'-]+), bad: (\[[^\]]*\]), good: (\[[^\]]*\]), inputs: (\w+) \}/g)) {
      const f = m[1]!.startsWith("'") ? m[1]!.slice(1, -1) : (consts.get(m[1]!) ?? m[1]!);
      const list = (s: string): string[] => JSON.parse(s.replace(/'/g, '"').replace(/\\"/g, '\\"')) as string[];
      cases.push({ rule, fixture: f, bad: list(m[2]!), good: list(m[3]!), inputs: m[4]! });
    }
  }
  return cases;
}

function dirFiles(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const full = join(d, e);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(tf|tf\.json|tfvars|tfvars\.json|json|tpl)$/.test(e)) out.push({ path: relative(dir, full), content: readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

const findingsCache = new Map<string, Set<string>>();
function flagged(fixture: string, input: 'plan' | 'hcl'): Set<string> {
  const key = `${fixture}:${input}`;
  let s = findingsCache.get(key);
  if (!s) {
    // reviewChanges with the raw input, as `review` runs it: provider blocks and variable defaults are judged too
    let findings;
    if (input === 'plan') {
      const plan: unknown = JSON.parse(readFileSync(join(pkg, 'test', 'fixtures', 'plans', `${fixture}.json`), 'utf8'));
      findings = reviewChanges(normalisePlan(plan), { inputKind: 'plan', source: { kind: 'plan', plan } }).findings;
    } else {
      const files = dirFiles(join(pkg, 'test', 'fixtures', 'tf', fixture));
      const hcl = evaluateHcl(files);
      findings = reviewChanges(hcl.changes, { inputKind: 'hcl', source: { kind: 'hcl', files }, hcl: hcl.coverage }).findings;
    }
    s = new Set(findings.map((f) => `${f.ruleId} ${f.resourceAddress}`));
    findingsCache.set(key, s);
  }
  return s;
}

const pct = (n: number, d: number): string => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)} %`);

const main = (): void => {
  const cases = readCases();
  const rows: string[] = [];
  const missed = { labelled: [] as string[], all: [] as string[] };
  const falsePos: string[] = [];
  for (const input of ['plan', 'hcl'] as const) {
    for (const scope of ['labelled', 'all'] as const) {
      let tp = 0;
      let pos = 0;
      let fp = 0;
      let neg = 0;
      for (const c of cases) {
        const labelled = c.inputs === 'both' || (c.inputs === 'planOnly' && input === 'plan') || (c.inputs === 'hclOnly' && input === 'hcl');
        if (scope === 'labelled' && !labelled) continue;
        const hits = flagged(c.fixture, input);
        for (const a of c.bad) {
          pos++;
          if (hits.has(`${c.rule} ${a}`)) tp++;
          else if (input === 'hcl') missed[scope].push(`${c.rule} ${a}`);
        }
        for (const a of c.good) {
          neg++;
          if (hits.has(`${c.rule} ${a}`)) {
            fp++;
            if (input === 'hcl' && scope === 'all') falsePos.push(`${c.rule} ${a}`);
          }
        }
      }
      rows.push(`| ${input === 'plan' ? 'plan JSON' : 'Terraform source (HCL)'} | ${scope === 'labelled' ? 'cases asserted for this input' : 'every case'} | ${tp}/${pos} = **${pct(tp, pos)}** | ${fp}/${neg} = **${pct(fp, neg)}** |`);
    }
  }
  const cleanHcl = [...flagged('clean', 'hcl')].length;
  const md = `## risk-scoring: fixture suite (recall and false positives)

Command: \`npx tsx scripts/src/bench/risk-scoring-fixtures.ts --write\`. Machine: ${machineLine()}.

The ${cases.length} cases of \`packages/risk-scoring/test/rules/catalogue.test.ts\` name, per rule, the fixture
addresses that must be flagged (positives) and those that must not (negatives). Recall = positives
flagged by that rule; false-positive rate = negatives flagged by that rule. "Every case" scores the
cases the test asserts only for the other input too (HCL: the fixture directory as \`review DIR\` reads it).

| input | cases | recall on positives | false positives on negatives |
|---|---|---:|---:|
${rows.join('\n')}

Findings on the clean fixture from source: ${cleanHcl}. Positives the HCL path misses among the cases asserted for it:
${missed.labelled.length ? missed.labelled.map((m) => `\`${m}\``).join(', ') : 'none'}; among the plan-only cases:
${missed.all.filter((m) => !missed.labelled.includes(m)).map((m) => `\`${m}\``).join(', ') || 'none'}.
Negatives the HCL path flags (every case): ${falsePos.map((m) => `\`${m}\``).join(', ') || 'none'}.`;
  process.stdout.write(`${md}\n`);
  if (write) writeBenchmarkSection('risk-scoring-fixtures', md);
};

main();
