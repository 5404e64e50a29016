import fc from 'fast-check';
import { addedLines, blockRange } from '../src/inline';

describe('addedLines (property)', () => {
  it('should report exactly the new-side numbers of added lines, whatever the mix of context, added and removed lines', () => {
    const line = fc.constantFrom(' ', '+', '-');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.array(fc.tuple(line, fc.string({ maxLength: 8 }).map((s) => s.replace(/\n/g, ''))), { maxLength: 60 }), (start, body) => {
        const patch = [`@@ -${start},${body.length} +${start},${body.length} @@`, ...body.map(([k, t]) => `${k}${t}`)].join('\n');
        // Independent model: walk the new side.
        const expected: number[] = [];
        let n = start;
        for (const [k] of body) {
          if (k === '+') expected.push(n);
          if (k !== '-') n++;
        }
        expect([...addedLines(patch)]).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('blockRange (property)', () => {
  it('should span a resource block exactly, whatever braces its string values contain', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z{}" ]{0,10}$/), { maxLength: 6 }), fc.integer({ min: 0, max: 5 }), (values, before) => {
        const attrs = values.map((v, i) => `  a${i} = "${v.replace(/"/g, '')}"`);
        const lines = [...Array.from({ length: before }, () => '# comment'), 'resource "aws_s3_bucket" "b" {', ...attrs, '}', 'resource "aws_s3_bucket" "c" {}'];
        expect(blockRange(lines.join('\n'), 'resource', 'aws_s3_bucket', 'b')).toEqual({ start: before + 1, end: before + attrs.length + 2 });
      }),
      { numRuns: 200 },
    );
  });
});
