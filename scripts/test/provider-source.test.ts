import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offlineEnv, terraform, writeCliConfig } from '../src/terraform/offline';
import { lockFile, tfDir } from '../src/terraform/plan';
import {
  cliConfigMirrors,
  decideProviderSource,
  describeSource,
  explainInitFailure,
  impliedMirrors,
  lockedVersion,
  PROVIDER_ADDRESS,
  searchMirrors,
  terraformPlatform,
  type DecideOptions,
} from '../src/terraform/provider-source';

const root = mkdtempSync(join(tmpdir(), 'provider-source-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const version = '5.100.0';
const platform = 'linux_amd64';
let n = 0;
/** A folder laid out as a filesystem mirror, unpacked or packed. */
const mirror = (layout: 'unpacked' | 'packed' | 'other-platform'): string => {
  const dir = join(root, `mirror-${n++}`);
  if (layout === 'packed') {
    mkdirSync(join(dir, PROVIDER_ADDRESS), { recursive: true });
    writeFileSync(join(dir, PROVIDER_ADDRESS, `terraform-provider-aws_${version}_${platform}.zip`), '');
  } else {
    mkdirSync(join(dir, PROVIDER_ADDRESS, version, layout === 'unpacked' ? platform : 'darwin_arm64'), { recursive: true });
  }
  return dir;
};

const options = (over: Partial<DecideOptions>): DecideOptions => ({ env: {}, platform, version, candidates: [], exists: existsSync, search: () => [], ...over });

describe('decideProviderSource', () => {
  it('should use TF_PROVIDER_MIRROR when it holds the provider, before any mirror found on the machine', () => {
    const given = mirror('unpacked');
    const found = mirror('unpacked');
    const s = decideProviderSource(options({ env: { TF_PROVIDER_MIRROR: given }, candidates: [found] }));
    expect(s).toEqual({ kind: 'mirror', path: given, origin: 'TF_PROVIDER_MIRROR' });
    expect(describeSource(s)).toBe(`filesystem mirror ${given} (TF_PROVIDER_MIRROR)`);
  });

  it('should refuse a TF_PROVIDER_MIRROR that does not hold this version for this platform, saying what it must hold', () => {
    const wrong = mirror('other-platform');
    expect(() => decideProviderSource(options({ env: { TF_PROVIDER_MIRROR: wrong }, candidates: [mirror('unpacked')] }))).toThrow(
      `TF_PROVIDER_MIRROR=${wrong} does not hold hashicorp/aws ${version} for ${platform}`,
    );
    expect(() => decideProviderSource(options({ env: { TF_PROVIDER_MIRROR: wrong } }))).toThrow('terraform providers mirror -platform=linux_amd64');
  });

  it('should use a mirror found on the machine (unpacked or packed), skipping folders without this platform', () => {
    const other = mirror('other-platform');
    const packed = mirror('packed');
    expect(decideProviderSource(options({ candidates: [join(root, 'absent'), other, packed] }))).toEqual({ kind: 'mirror', path: packed, origin: 'found on this machine' });
    const unpacked = mirror('unpacked');
    let searched = 0;
    const s = decideProviderSource(
      options({
        candidates: [other],
        search: () => {
          searched++;
          return [other, unpacked];
        },
      }),
    );
    expect(s).toEqual({ kind: 'mirror', path: unpacked, origin: 'found on this machine' });
    expect(searched).toBe(1);
  });

  it('should not search the machine when a candidate folder already holds the provider', () => {
    const search = jest.fn(() => []);
    decideProviderSource(options({ candidates: [mirror('packed')], search }));
    expect(search).not.toHaveBeenCalled();
  });

  it('should fall back to the registry when no mirror is given or found', () => {
    const s = decideProviderSource(options({ candidates: [mirror('other-platform')], search: () => [join(root, 'nothing')] }));
    expect(s).toEqual({ kind: 'registry' });
    expect(describeSource(s)).toBe('registry.terraform.io, verified by terraform/.terraform.lock.hcl');
  });

  it('should find mirrors named by the CLI config and by a bounded search', () => {
    const m = mirror('unpacked');
    const rc = `provider_installation {\n  filesystem_mirror {\n    path    = "${m}"\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`;
    expect(cliConfigMirrors({ TF_CLI_CONFIG_FILE: '/x/terraform.rc' }, (f) => (f === '/x/terraform.rc' ? rc : undefined))).toEqual([m]);
    expect(cliConfigMirrors({ HOME: '/nobody' }, () => undefined)).toEqual([]);
    expect(searchMirrors([root]).sort()).toEqual(expect.arrayContaining([m]));
    expect(impliedMirrors({ HOME: '/h' }, 'linux')).toEqual(['/h/.terraform.d/plugins', '/h/.local/share/terraform/plugins', '/usr/local/share/terraform/plugins', '/usr/share/terraform/plugins']);
    expect(impliedMirrors({ HOME: '/h' }, 'darwin')).toContain('/h/Library/Application Support/io.terraform/plugins');
    expect(terraformPlatform('linux', 'x64')).toBe('linux_amd64');
    expect(terraformPlatform('darwin', 'arm64')).toBe('darwin_arm64');
  });
});

describe('the committed lock file', () => {
  it('should pin hashicorp/aws with the checksums of every platform package (zh) and h1 hashes', () => {
    const text = readFileSync(lockFile, 'utf8');
    expect(lockedVersion(lockFile)).toBe('5.100.0');
    // zh: the SHA-256 of each release zip (one per platform, from HashiCorp's signed SHA256SUMS).
    expect(text.match(/"zh:[0-9a-f]{64}"/g)).toHaveLength(15);
    // h1: linux_amd64 (computed here from the mirror) and darwin_arm64.
    expect(text).toContain('"h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0="');
    expect(text).toContain('"h1:Ijt7pOlB7Tr7maGQIqtsLFbl7pSMIj06TVdkoSBcYOw="');
  });
});

describe('registry source without network', () => {
  it('should tell exactly what to set when terraform init cannot reach the registry', async () => {
    // A real `terraform init` whose registry is a closed loopback port: the offline case, anywhere.
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const work = join(root, 'registry');
    mkdirSync(join(work, 'config'), { recursive: true });
    copyFileSync(join(tfDir, 'versions.tf'), join(work, 'config', 'versions.tf'));
    copyFileSync(lockFile, join(work, 'config', '.terraform.lock.hcl'));
    const source = { kind: 'registry' } as const;
    const env = offlineEnv(writeCliConfig(work, source, `http://127.0.0.1:${port}/v1/providers/`), join(work, 'data'));
    const init = terraform(['init', '-backend=false', '-input=false', '-no-color'], join(work, 'config'), env, 60000);
    expect(init.status).not.toBe(0);
    const message = explainInitFailure(source, init.stderr, '5.100.0', 'linux_amd64');
    expect(message).toContain('no filesystem mirror was found. Set TF_PROVIDER_MIRROR to a folder holding registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64/');
    expect(message).toContain('terraform providers mirror -platform=linux_amd64 <folder>');
  });

  it('should explain a checksum mismatch as a lock file problem, not a network one', () => {
    const msg = explainInitFailure({ kind: 'mirror', path: '/m', origin: 'TF_PROVIDER_MIRROR' }, "the local package for registry.terraform.io/hashicorp/aws 5.100.0 doesn't match any of the checksums previously recorded in the dependency lock file", '5.100.0', 'linux_arm64');
    expect(msg).toContain('terraform providers lock -platform=linux_arm64');
    expect(msg).not.toContain('TF_PROVIDER_MIRROR to');
  });
});
