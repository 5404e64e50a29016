import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifest, repoRoot } from '../src/lib/repo';

describe('functions/manifest.json', () => {
  it("keeps every function's description within Lambda's 256 characters (and Terraform's module says so too)", () => {
    const specs = loadManifest();
    expect(specs.length).toBeGreaterThan(0);
    const tooLong = specs.filter((s) => s.description.length > 256).map((s) => `${s.name}: ${s.description.length}`);
    expect(tooLong).toEqual([]);
    expect(specs.every((s) => s.description.trim().length > 0)).toBe(true);
    const variables = readFileSync(join(repoRoot, 'terraform', 'modules', 'lambda_function', 'variables.tf'), 'utf8');
    expect(variables).toMatch(/length\(var\.description\) <= 256/);
  });
});
