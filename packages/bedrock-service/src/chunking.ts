/** One item to place: its estimated tokens and a priority (higher is reviewed first). */
export interface ChunkItem {
  tokens: number;
  priority: number;
}

export interface ChunkPlan {
  /** Indexes into the input, per chunk; every chunk's token sum is within the budget. */
  chunks: number[][];
  /** Items that were not placed, and why. */
  omitted: Array<{ index: number; reason: 'too-large' | 'max-chunks' }>;
}

/**
 * Packs items into at most `maxChunks` chunks of at most `budget` tokens each: items are taken in
 * priority order (stable) and put into the first chunk with room (first fit); an item larger than
 * the whole budget is omitted as too-large, and one that fits no chunk once `maxChunks` are open
 * is omitted as max-chunks. Every item ends up in exactly one chunk or in `omitted`. Within a chunk
 * items keep their input order; chunks are ordered by the priority of their first item.
 */
export const planChunks = (items: readonly ChunkItem[], opts: { budget: number; maxChunks: number }): ChunkPlan => {
  const order = items.map((_, i) => i).sort((a, b) => (items[b]?.priority ?? 0) - (items[a]?.priority ?? 0) || a - b);
  const chunks: number[][] = [];
  const used: number[] = [];
  const omitted: ChunkPlan['omitted'] = [];
  for (const index of order) {
    const tokens = items[index]?.tokens ?? 0;
    if (tokens > opts.budget) {
      omitted.push({ index, reason: 'too-large' });
      continue;
    }
    let placed = false;
    for (let c = 0; c < chunks.length; c++) {
      if ((used[c] ?? 0) + tokens <= opts.budget) {
        chunks[c]?.push(index);
        used[c] = (used[c] ?? 0) + tokens;
        placed = true;
        break;
      }
    }
    if (placed) continue;
    if (chunks.length < opts.maxChunks) {
      chunks.push([index]);
      used.push(tokens);
    } else {
      omitted.push({ index, reason: 'max-chunks' });
    }
  }
  for (const chunk of chunks) chunk.sort((a, b) => a - b);
  omitted.sort((a, b) => a.index - b.index);
  return { chunks, omitted };
};

/** Review priority of a change: planned deletions/replacements first, then changes rules flagged. */
export const changePriority = (actions: readonly string[], ruleFindingCount: number): number =>
  (actions.includes('delete') ? 4 : 0) + (ruleFindingCount > 0 ? 2 : 0) + (actions.includes('create') || actions.includes('update') ? 1 : 0);

/** Actions that change nothing: such resources are not sent to the model and not counted as omitted. */
export const UNCHANGED_ACTIONS: readonly string[] = ['no-op', 'read'];

export const isUnchanged = (actions: readonly string[]): boolean =>
  actions.length > 0 && actions.every((a) => UNCHANGED_ACTIONS.includes(a));
