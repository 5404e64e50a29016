import { HclParseError } from '../errors';
import type { AttributePath, ResourceChange } from '../types';

export interface SourceFile {
  path: string;
  content: string;
}

const META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'connection', 'provisioner']);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isExpression = (s: string): boolean => s.includes('${') || s.includes('%{');

/**
 * Copies an HCL body, dropping interpolated values (they are not known without a plan) and
 * recording their paths as unknown. `dynamic` blocks become unknown block attributes.
 */
function sanitise(value: unknown, path: AttributePath, unknown: AttributePath[]): unknown {
  if (typeof value === 'string') {
    if (isExpression(value)) {
      unknown.push(path);
      return undefined;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => sanitise(v, [...path, i], unknown));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (path.length === 0 && META.has(k)) continue;
      if (k === 'dynamic' && isObject(v)) {
        for (const blockName of Object.keys(v)) unknown.push([...path, blockName]);
        continue;
      }
      const s = sanitise(v, [...path, k], unknown);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
  return value;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function lineOf(content: string, keyword: string, type: string, name: string): number {
  const re = new RegExp(`^\\s*${keyword}\\s+"?${escapeRe(type)}"?\\s+"?${escapeRe(name)}"?\\s*\\{`, 'm');
  const m = re.exec(content);
  if (!m) return 1;
  return content.slice(0, m.index + m[0].length - m[0].trimStart().length).split('\n').length;
}

/**
 * Normalises Terraform source files into proposed resource changes (action `create`, values as
 * written). Interpolated values are unknown: without a plan neither values nor actions are known.
 */
export async function normaliseHcl(files: SourceFile[]): Promise<ResourceChange[]> {
  // Loaded on first use: the parser boots a Go/WebAssembly runtime (~300 ms) that plan reviews never need.
  const { parse } = await import('@cdktf/hcl2json');
  const changes: ResourceChange[] = [];
  for (const file of files) {
    let doc: Record<string, unknown>;
    try {
      doc = await parse(file.path, file.content);
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'parse error';
      throw new HclParseError(`cannot parse ${file.path} as HCL: ${reason}`, { cause: err });
    }
    for (const [mode, keyword] of [['managed', 'resource'], ['data', 'data']] as const) {
      const byType = doc[keyword];
      if (!isObject(byType)) continue;
      for (const [type, byName] of Object.entries(byType)) {
        if (!isObject(byName)) continue;
        for (const [name, bodies] of Object.entries(byName)) {
          const body: unknown = Array.isArray(bodies) ? bodies[0] : bodies;
          const unknownPaths: AttributePath[] = [];
          const after = sanitise(isObject(body) ? body : {}, [], unknownPaths) as Record<string, unknown>;
          const literalAttributes = Object.keys(after).filter((k) => !unknownPaths.some((p) => p[0] === k));
          const address = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
          changes.push({
            address,
            type,
            name,
            provider: type.split('_')[0] ?? '',
            mode,
            actions: mode === 'data' ? ['read'] : ['create'],
            before: null,
            after,
            unknownPaths,
            sensitivePaths: [],
            replacePaths: [],
            literalAttributes,
            configuredAttributes: isObject(body) ? Object.keys(body).filter((k) => !META.has(k) && k !== 'dynamic') : [],
            location: { file: file.path, line: lineOf(file.content, keyword, type, name) },
            source: 'hcl',
          });
        }
      }
    }
  }
  return changes;
}
