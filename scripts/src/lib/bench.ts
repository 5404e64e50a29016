import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './repo';

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

export const fmtMs = (ms: number) => `${ms.toFixed(1)} ms`;

/** Replaces one `<!-- section:NAME -->` block of docs/BENCHMARKS.md (other sections are left alone). */
export const writeBenchmarkSection = (name: string, markdown: string, file = join(repoRoot, 'docs', 'BENCHMARKS.md')): void => {
  const doc = readFileSync(file, 'utf8');
  const start = `<!-- section:${name} -->`;
  const end = `<!-- /section:${name} -->`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const next = i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
};

export const machineLine = () => {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
};
