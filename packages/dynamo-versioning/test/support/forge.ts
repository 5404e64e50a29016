import { canonicalJson, sha256Hex, versionHash, type StoredItem } from '../../src/index';
import type { ReviewDoc, TableHarness } from './harness';

/** What an attacker with table access (but not the key) does: rewrite content, digest and hash consistently. */
export const forgeContent = (item: StoredItem, content: ReviewDoc): StoredItem => {
  const json = canonicalJson(content);
  const contentSha256 = sha256Hex(json);
  const hash = versionHash({
    entity: 'REVIEW',
    id: item.id as string,
    version: item.version as number,
    previousVersion: item.previousVersion as number | null,
    createdAt: item.createdAt as string,
    firstCreatedAt: item.firstCreatedAt as string,
    actor: item.actor as string,
    reason: item.reason as string,
    contentSha256,
    previousHash: item.previousHash as string | null,
  });
  return { ...item, content: json, contentSha256, hash };
};

/** The stored item of version `v` of REVIEW `id`, as the table holds it. */
export const versionItemIn = async (t: TableHarness, id: string, v: number): Promise<StoredItem> => {
  const item = (await t.dump()).find((i) => i.pk === `REVIEW#${id}` && i.version === v && String(i.sk).startsWith('V#'));
  if (!item) throw new Error(`no item for version ${v} of ${id}`);
  return item;
};
