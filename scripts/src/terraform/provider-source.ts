import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where `terraform init` gets hashicorp/aws from. One decision, in this order:
 *   1. TF_PROVIDER_MIRROR, when set (an error if it does not hold the provider: never silently ignored);
 *   2. a filesystem mirror found on the machine (Terraform's implied local mirror folders, the
 *      filesystem_mirror paths of the CLI config, then a bounded search of /opt, /usr/share,
 *      /usr/local/share and the home folder);
 *   3. otherwise the public registry, verified against the committed terraform/.terraform.lock.hcl.
 */
export type ProviderSource = { kind: 'mirror'; path: string; origin: 'TF_PROVIDER_MIRROR' | 'found on this machine' } | { kind: 'registry' };

export const PROVIDER_ADDRESS = 'registry.terraform.io/hashicorp/aws';

export interface DecideOptions {
  env: NodeJS.ProcessEnv;
  /** Terraform platform, e.g. linux_amd64. */
  platform: string;
  /** Provider version from the lock file, e.g. 5.100.0. */
  version: string;
  /** Folders that may be mirrors, checked in order. */
  candidates: string[];
  exists: (path: string) => boolean;
  /** Last resort: folders found by searching the machine (may be slow; only called when needed). */
  search: () => string[];
}

/** Terraform's name for this machine's platform (linux_amd64, darwin_arm64, …). */
export const terraformPlatform = (platform: NodeJS.Platform = process.platform, arch: string = process.arch): string =>
  `${platform === 'win32' ? 'windows' : platform}_${arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch}`;

/** The two layouts a filesystem mirror may use for one provider build. */
export const mirrorLayouts = (mirror: string, version: string, platform: string): string[] => [
  join(mirror, PROVIDER_ADDRESS, version, platform), // unpacked (verified by its h1: hash)
  join(mirror, PROVIDER_ADDRESS, `terraform-provider-aws_${version}_${platform}.zip`), // packed, as `terraform providers mirror` writes (zh: hash)
];

export const holdsProvider = (mirror: string, version: string, platform: string, exists: (p: string) => boolean): boolean =>
  mirrorLayouts(mirror, version, platform).some((p) => exists(p));

const howToMakeAMirror = (version: string, platform: string): string =>
  `a folder holding ${PROVIDER_ADDRESS}/${version}/${platform}/ (unpacked) or ${PROVIDER_ADDRESS}/terraform-provider-aws_${version}_${platform}.zip (packed); ` +
  `make one on a machine with internet access with: cd terraform && terraform providers mirror -platform=${platform} <folder>`;

export const decideProviderSource = (o: DecideOptions): ProviderSource => {
  const given = o.env.TF_PROVIDER_MIRROR?.trim();
  if (given) {
    if (holdsProvider(given, o.version, o.platform, o.exists)) return { kind: 'mirror', path: given, origin: 'TF_PROVIDER_MIRROR' };
    throw new Error(`TF_PROVIDER_MIRROR=${given} does not hold hashicorp/aws ${o.version} for ${o.platform}. Point it to ${howToMakeAMirror(o.version, o.platform)}; or unset TF_PROVIDER_MIRROR to install from the registry.`);
  }
  for (const c of o.candidates) if (holdsProvider(c, o.version, o.platform, o.exists)) return { kind: 'mirror', path: c, origin: 'found on this machine' };
  for (const c of o.search()) if (holdsProvider(c, o.version, o.platform, o.exists)) return { kind: 'mirror', path: c, origin: 'found on this machine' };
  return { kind: 'registry' };
};

export const describeSource = (s: ProviderSource): string => (s.kind === 'mirror' ? `filesystem mirror ${s.path} (${s.origin})` : 'registry.terraform.io, verified by terraform/.terraform.lock.hcl');

/** The provider version pinned by the committed lock file. */
export const lockedVersion = (lockFile: string): string => {
  const m = /provider "registry\.terraform\.io\/hashicorp\/aws" \{\s*version\s*=\s*"([^"]+)"/.exec(readFileSync(lockFile, 'utf8'));
  if (!m?.[1]) throw new Error(`${lockFile} does not pin hashicorp/aws; run terraform init in terraform/ and commit the lock file`);
  return m[1];
};

/** filesystem_mirror paths declared in the user's Terraform CLI config, if any. */
export const cliConfigMirrors = (env: NodeJS.ProcessEnv, read: (f: string) => string | undefined): string[] => {
  const file = env.TF_CLI_CONFIG_FILE || join(env.HOME ?? homedir(), '.terraformrc');
  const text = read(file);
  if (!text) return [];
  return [...text.matchAll(/filesystem_mirror\s*\{[^}]*?path\s*=\s*"([^"]+)"/g)].map((m) => m[1] as string);
};

/** Terraform's implied local mirror folders (see "Implied Local Mirror Directories" in its CLI docs). */
export const impliedMirrors = (env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string[] => {
  const home = env.HOME ?? homedir();
  const dirs = [join(home, '.terraform.d', 'plugins')];
  if (platform === 'darwin') dirs.push(join(home, 'Library', 'Application Support', 'io.terraform', 'plugins'), '/Library/Application Support/io.terraform/plugins');
  else {
    dirs.push(join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'terraform', 'plugins'));
    for (const d of (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':')) if (d) dirs.push(join(d, 'terraform', 'plugins'));
  }
  return dirs;
};

/** Bounded search for `<mirror>/registry.terraform.io/hashicorp/aws` under a few roots. */
export const searchMirrors = (roots: string[], timeoutMs = 20000): string[] => {
  const existing = roots.filter((r) => existsSync(r));
  if (existing.length === 0) return [];
  const r = spawnSync('find', [...existing, '-maxdepth', '6', '-type', 'd', '-path', `*/${PROVIDER_ADDRESS}`, '-prune', '-print'], { encoding: 'utf8', timeout: timeoutMs });
  return (r.stdout ?? '')
    .split('\n')
    .filter(Boolean)
    .map((hit) => hit.slice(0, hit.length - PROVIDER_ADDRESS.length - 1));
};

/** The decision for this machine. */
export const providerSourceForThisMachine = (lockFile: string, env: NodeJS.ProcessEnv = process.env): ProviderSource => {
  const home = env.HOME ?? homedir();
  return decideProviderSource({
    env,
    platform: terraformPlatform(),
    version: lockedVersion(lockFile),
    candidates: [...cliConfigMirrors(env, (f) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined)), ...impliedMirrors(env)],
    exists: existsSync,
    search: () => searchMirrors(['/opt', '/usr/local/share', '/usr/share', home]),
  });
};

/**
 * Turns a failed `terraform init` into an actionable message. Offline without a mirror, the
 * registry cannot be reached: say exactly what to set.
 */
export const explainInitFailure = (source: ProviderSource, stderr: string, version: string, platform: string = terraformPlatform()): string => {
  const unreachable = /could not connect|connection refused|no such host|dial tcp|i\/o timeout|network is unreachable|Failed to query available provider packages|failed to retrieve|TLS handshake timeout/i.test(stderr);
  if (source.kind === 'registry' && unreachable)
    return (
      `terraform init could not download hashicorp/aws ${version} from the registry (no network?) and no filesystem mirror was found. ` +
      `Set TF_PROVIDER_MIRROR to ${howToMakeAMirror(version, platform)}.\n\n${stderr.trim()}`
    );
  if (/checksum|doesn't match any of the checksums/i.test(stderr))
    return `terraform init refused hashicorp/aws ${version}: the package from ${describeSource(source)} does not match terraform/.terraform.lock.hcl. Add its hashes with: cd terraform && terraform providers lock -platform=${platform}\n\n${stderr.trim()}`;
  return `terraform init failed (provider from ${describeSource(source)}):\n${stderr.trim()}`;
};
