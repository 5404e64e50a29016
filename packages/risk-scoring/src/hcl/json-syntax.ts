import type { Attribute, Block, Body, Expr } from './ast';

/** Terraform's JSON syntax keys whose values are blocks (not attributes) inside a resource or module. */
const NESTED_BLOCKS = new Set(['lifecycle', 'provisioner', 'connection']);
const LABELLED: Record<string, number> = { resource: 2, data: 2, module: 1, variable: 1, output: 1, provider: 1 };

const keyText = (k: Expr): string | undefined => {
  if (k.kind === 'literal' && typeof k.value === 'string') return k.value;
  if (k.kind === 'template') {
    if (k.parts.length === 0) return '';
    if (k.parts.every((p) => p.kind === 'text')) return k.parts.map((p) => (p as { text: string }).text).join('');
  }
  return undefined;
};

const items = (e: Expr): { key: string; value: Expr; at: number }[] => {
  if (e.kind !== 'object') return [];
  const out: { key: string; value: Expr; at: number }[] = [];
  for (const it of e.items) {
    const k = keyText(it.key);
    if (k !== undefined && k !== '//') out.push({ key: k, value: it.value, at: it.key.at });
  }
  return out;
};

/** A JSON object as a body: objects under block keys become blocks, everything else attributes. */
function toBody(e: Expr, blockKeys: Set<string>): Body {
  const body: Body = { at: e.at, attributes: [], blocks: [] };
  for (const it of items(e)) {
    if (it.key === 'dynamic') {
      for (const d of items(it.value)) {
        for (const v of d.value.kind === 'tuple' ? d.value.items : [d.value]) {
          const inner: Body = { at: v.at, attributes: [], blocks: [] };
          for (const f of items(v)) {
            if (f.key === 'content') inner.blocks.push({ at: f.at, type: 'content', labels: [], body: toBody(f.value, new Set()) });
            else inner.attributes.push({ at: f.at, name: f.key, expr: f.value });
          }
          body.blocks.push({ at: d.at, type: 'dynamic', labels: [d.key], body: inner });
        }
      }
    } else if (blockKeys.has(it.key) && (it.value.kind === 'object' || it.value.kind === 'tuple')) {
      for (const v of it.value.kind === 'tuple' ? it.value.items : [it.value]) body.blocks.push({ at: it.at, type: it.key, labels: [], body: toBody(v, new Set()) });
    } else body.attributes.push({ at: it.at, name: it.key, expr: it.value } satisfies Attribute);
  }
  return body;
}

/** Converts a `.tf.json` document (parsed as one object expression) into the native body shape. */
export function jsonDocumentToBody(doc: Expr): Body {
  const body: Body = { at: doc.at, attributes: [], blocks: [] };
  for (const top of items(doc)) {
    const depth = LABELLED[top.key];
    if (top.key === 'locals' || top.key === 'terraform') {
      for (const v of top.value.kind === 'tuple' ? top.value.items : [top.value]) body.blocks.push({ at: top.at, type: top.key, labels: [], body: toBody(v, new Set()) });
      continue;
    }
    if (depth === undefined) continue;
    const walk = (e: Expr, labels: string[]): void => {
      if (labels.length === depth) {
        for (const v of e.kind === 'tuple' ? e.items : [e]) {
          body.blocks.push({ at: v.at, type: top.key, labels, body: toBody(v, top.key === 'variable' || top.key === 'output' ? new Set() : NESTED_BLOCKS) } satisfies Block);
        }
        return;
      }
      for (const it of items(e)) walk(it.value, [...labels, it.key]);
    };
    walk(top.value, []);
  }
  return body;
}
