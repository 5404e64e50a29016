import type { Finding } from '@iac-review/core';

/** Line numbers (new side) that a unified diff adds or changes. */
export const addedLines = (patch: string): Set<number> => {
  const out = new Set<number>();
  let line = 0;
  for (const raw of patch.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (hunk) {
      line = Number(hunk[1]);
      continue;
    }
    if (line === 0) continue;
    if (raw.startsWith('+')) out.add(line++);
    else if (raw.startsWith('-')) continue;
    else if (raw.startsWith('\\')) continue;
    else line++;
  }
  return out;
};

/** `module.a.aws_s3_bucket.b["x"]` → `{ keyword: 'resource', type: 'aws_s3_bucket', name: 'b' }`. */
export const parseAddress = (address: string): { keyword: 'resource' | 'data'; type: string; name: string } | undefined => {
  const parts = address
    .replace(/\[[^\]]*\]/g, '')
    .split('.')
    .filter((p) => p.length > 0);
  while (parts[0] === 'module' && parts.length > 2) parts.splice(0, 2);
  if (parts[0] === 'data' && parts.length === 3) return { keyword: 'data', type: parts[1]!, name: parts[2]! };
  if (parts.length === 2) return { keyword: 'resource', type: parts[0]!, name: parts[1]! };
  return undefined;
};

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 1-based first and last line of a block `resource "type" "name" { … }` in HCL source. */
export const blockRange = (content: string, keyword: string, type: string, name: string): { start: number; end: number } | undefined => {
  const lines = content.split('\n');
  const header = new RegExp(`^\\s*${keyword}\\s+"${escapeRe(type)}"\\s+"${escapeRe(name)}"\\s*\\{`);
  const start = lines.findIndex((l) => header.test(l));
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    const text = (lines[i] ?? '').replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/#.*$|\/\/.*$/, '');
    for (const ch of text) {
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
    }
    if (depth <= 0) return { start: start + 1, end: i + 1 };
  }
  return { start: start + 1, end: lines.length };
};

export interface ChangedSource {
  path: string;
  patch?: string;
  content: string;
}

export interface InlineComment {
  path: string;
  line: number;
  side: 'RIGHT';
  body: string;
}

/**
 * Inline comments for high and critical findings only, each on the first changed line of the
 * resource's block in a changed file (none when the block has no changed line, or the patch is
 * missing — GitHub omits patches of large files).
 */
export const inlineComments = (findings: readonly Finding[], sources: readonly ChangedSource[], dismissed: ReadonlySet<string> = new Set()): InlineComment[] => {
  const out: InlineComment[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (f.severity !== 'high' && f.severity !== 'critical') continue;
    if (f.suppressed) continue; // an accepted risk: listed in the comment, not raised on the diff
    if (dismissed.has(`${f.ruleId}@${f.resourceAddress}`)) continue;
    const addr = parseAddress(f.resourceAddress);
    if (!addr) continue;
    for (const s of sources) {
      if (!s.patch) continue;
      const range = blockRange(s.content, addr.keyword, addr.type, addr.name);
      if (!range) continue;
      const added = addedLines(s.patch);
      let line: number | undefined;
      for (let l = range.start; l <= range.end; l++) {
        if (added.has(l)) {
          line = l;
          break;
        }
      }
      if (line === undefined) continue;
      const key = `${s.path}:${line}:${f.ruleId}`;
      if (seen.has(key)) break;
      seen.add(key);
      out.push({
        path: s.path,
        line,
        side: 'RIGHT',
        body: `**${f.severity.toUpperCase()}** ${f.title ?? f.ruleId} (\`${f.ruleId}\`) on \`${f.resourceAddress}\`\n\n${f.message}${f.remediation ? `\n\n**Fix:** ${f.remediation}` : ''}`,
      });
      break;
    }
  }
  return out;
};
