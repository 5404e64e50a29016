import type { HclFile } from '../hcl/ast';
import { hclParser } from '../hcl/parser-slot';
import { RiskScoringError } from '../errors';

/** One `iac-review:ignore` comment attached to a resource or data block. */
export interface InlineDirective {
  /** Rule ids (or globs such as `LOG-*`) it names. */
  rules: string[];
  reason?: string;
  until?: string;
  by?: string;
  /** What is wrong with it (an unreadable date), if anything. */
  problem?: string;
  /** Where the comment is. */
  file: string;
  line: number;
}

const MARK = 'iac-review:ignore';
const DIRECTIVE = /iac-review:ignore(?:\s+([A-Za-z0-9_*-]+(?:\s*,\s*[A-Za-z0-9_*-]+)*))?\s*(.*)$/;

/** Reads one comment's text; undefined when it is not a directive. */
export function parseDirective(text: string, file: string, line: number): InlineDirective | undefined {
  const body = text.replace(/^\s*(#|\/\/|\/\*)/, '').replace(/\*\/\s*$/, '');
  const m = DIRECTIVE.exec(body);
  if (!m) return undefined;
  const d: InlineDirective = { rules: (m[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean), file, line };
  let rest = (m[2] ?? '').trim();
  if (d.rules.length === 0) d.problem = 'names no rule (iac-review:ignore RULE-ID reason: …)';
  const reasonAt = rest.search(/\breason\s*:/i);
  if (reasonAt < 0) return d;
  rest = rest.slice(reasonAt).replace(/^reason\s*:\s*/i, '');
  // Trailing ", until YYYY-MM-DD" (or "expires") and ", by NAME" in any order.
  for (let k = 0; k < 2; k++) {
    const until = /[,;]?\s*\b(?:until|expires)\s*:?\s*(\S+)\s*$/i.exec(rest);
    if (until) {
      const date = until[1]!.replace(/[.,;]$/, '');
      if (/^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) === date) d.until = date;
      else d.problem = `"${date}" is not a date YYYY-MM-DD`;
      rest = rest.slice(0, until.index);
      continue;
    }
    const by = /[,;]\s*\bby\s*:?\s*([^,;]+?)\s*$/i.exec(rest);
    if (by) {
      d.by = by[1]!.slice(0, 200);
      rest = rest.slice(0, by.index);
    }
  }
  const reason = rest.trim().replace(/[,;]$/, '').trim();
  if (reason.length >= 3) d.reason = reason.slice(0, 500);
  return d;
}

/** Directives of one file, keyed by the 1-based line on which the resource/data block they belong to starts. */
function fileDirectives(file: HclFile): Map<number, InlineDirective[]> {
  const out = new Map<number, InlineDirective[]>();
  const directives = file.comments.map((c) => (c.text.includes(MARK) ? parseDirective(c.text, file.path, c.line) : undefined)).filter((d): d is InlineDirective => !!d);
  if (directives.length === 0) return out;
  const commentLines = new Set(file.comments.map((c) => c.line));
  const blocks = file.body.blocks
    .filter((b) => (b.type === 'resource' || b.type === 'data') && b.labels.length === 2)
    .map((b) => ({ start: file.lineOf(b.at), end: b.end !== undefined ? file.lineOf(Math.max(b.at, b.end - 1)) : file.lineOf(b.at) }));
  for (const d of directives) {
    // Inside a block (from its first line to its closing brace) …
    let block = blocks.find((b) => d.line >= b.start && d.line <= b.end);
    // … or in the run of comment lines right above it.
    if (!block) {
      block = blocks.find((b) => {
        if (b.start <= d.line) return false;
        for (let l = d.line + 1; l < b.start; l++) if (!commentLines.has(l)) return false;
        return true;
      });
    }
    if (!block) continue;
    const list = out.get(block.start);
    if (list) list.push(d);
    else out.set(block.start, [d]);
  }
  return out;
}

/**
 * Every `iac-review:ignore` directive in the `.tf` files, keyed by `file NUL line` of the block it
 * belongs to (the `location` the HCL evaluation gives that block's resources). Files that do not
 * mention the marker are not parsed again; files that do not parse have no directives (the
 * evaluation reports their syntax error).
 */
export function collectInlineDirectives(files: readonly { path: string; content: string }[]): Map<string, InlineDirective[]> {
  const out = new Map<string, InlineDirective[]>();
  for (const f of files) {
    if (!f.path.endsWith('.tf') || !f.content.includes(MARK)) continue;
    // The parser is loaded with the HCL evaluation (see hcl/parser-slot.ts), never for plan JSON.
    const parseHcl = hclParser();
    if (!parseHcl) throw new RiskScoringError('inline suppressions need the HCL parser: load it first (await loadHcl(), or import parseHcl/evaluateHcl)');
    let parsed: HclFile;
    try {
      parsed = parseHcl(f.path, f.content);
    } catch {
      continue;
    }
    for (const [line, list] of fileDirectives(parsed)) out.set(`${f.path}\u0000${line}`, list);
  }
  return out;
}
