import fc from 'fast-check';
import { sensitive } from '@iac-review/logger';
import { parseValuePath, sanitiseChange, toInertJson } from '../src/index';

describe('parseValuePath', () => {
  it('should parse dotted, indexed and quoted segments', () => {
    expect(parseValuePath('a.b[0].c')).toEqual(['a', 'b', 0, 'c']);
    expect(parseValuePath('tags["team.name"]')).toEqual(['tags', 'team.name']);
    expect(parseValuePath("tags['x']")).toEqual(['tags', 'x']);
    expect(parseValuePath(['x', 1])).toEqual(['x', 1]);
  });
});

describe('sanitiseChange', () => {
  it('should redact sensitive paths, secret-looking keys and Sensitive values without touching the input', () => {
    const change = {
      address: 'aws_lambda_function.f',
      type: 'aws_lambda_function',
      actions: ['update'],
      before: { environment: [{ variables: { KEY: 'old-secret-value' } }] },
      after: {
        environment: [{ variables: { KEY: 'new-secret-value', STAGE: 'prod' } }],
        master_password: 'pw-should-go',
        marked: sensitive('marked-secret'),
      },
      sensitivePaths: ['environment[0].variables.KEY'],
    };

    const out = sanitiseChange(change);
    const text = JSON.stringify(out);

    expect(text).not.toContain('old-secret-value');
    expect(text).not.toContain('new-secret-value');
    expect(text).not.toContain('marked-secret');
    expect(text).toContain('prod');
    expect(out).not.toHaveProperty('sensitivePaths');
    expect(change.after.environment[0]?.variables.KEY).toBe('new-secret-value');
  });

  it('should never let a value at a declared sensitive path reach the prompt data (property)', () => {
    const keyArb = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));
    fc.assert(
      fc.property(fc.array(keyArb, { minLength: 1, maxLength: 5 }), fc.uuid(), (path, secretId) => {
        const secret = `SECRET-${secretId}`;
        let after: unknown = secret;
        for (const k of [...path].reverse()) after = { [k]: after, other: 'keep' };
        const out = sanitiseChange({ address: 'a', type: 't', actions: ['create'], after, sensitivePaths: [path] });
        return !toInertJson(out).includes(secret) && toInertJson(out).includes('keep');
      }),
    );
  });
});
