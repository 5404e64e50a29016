import { createTableInput, tableDefinition } from '@iac-review/core';
import { INDEX_NAMES, keyNames } from '../src/index';

describe('keyNames', () => {
  it('should read key, index and TTL attribute names from the one table definition', () => {
    const names = keyNames();

    expect(names).toEqual({
      pk: 'pk',
      sk: 'sk',
      ttl: 'expiresAt',
      index: {
        scope: { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' },
        day: { name: 'gsi2', pk: 'gsi2pk', sk: 'gsi2sk' },
        latest: { name: 'gsi3', pk: 'gsi3pk', sk: 'gsi3sk' },
      },
    });
  });

  it('should refuse a definition that lacks an index the listings need', () => {
    const def = { ...tableDefinition, globalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.filter((i) => i.name !== INDEX_NAMES.day) };
    expect(() => keyNames(def)).toThrow(/gsi2/);
  });

  it('should create every index the store queries', () => {
    const input = createTableInput('t');
    expect(input.GlobalSecondaryIndexes.map((i) => i.IndexName).sort()).toEqual(Object.values(INDEX_NAMES).sort());
  });
});
