import type { StoredItem } from '../../src/index';
import type { TableHarness } from './harness';

export { forgeContent } from '../../src/testing';

/** The stored item of version `v` of REVIEW `id`, as the table holds it. */
export const versionItemIn = async (t: TableHarness, id: string, v: number): Promise<StoredItem> => {
  const item = (await t.dump()).find((i) => i.pk === `REVIEW#${id}` && i.version === v && String(i.sk).startsWith('V#'));
  if (!item) throw new Error(`no item for version ${v} of ${id}`);
  return item;
};
