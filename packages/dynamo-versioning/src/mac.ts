import { nodeCrypto } from '@iac-review/core';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { canonicalJson } from './canonical-json';
import { StoreFailureError } from './errors';

/**
 * The keyed half of the history chain. Every version's `hash` (SHA-256 over its fields, its
 * content digest and the previous version's hash) is sealed with an HMAC-SHA-256 under a secret
 * key, so rewriting a version — even with content, digest and hash all recomputed — needs the key
 * as well as write access to the table. Versions record the id of the key that sealed them, so
 * rotated-out keys keep verifying old versions.
 */
export const MAC_SCHEME = 'hmac-sha256-v1';

/** Shortest key accepted (bytes): HMAC-SHA-256 wants at least its output size. */
export const MIN_MAC_KEY_BYTES = 32;

export interface MacKey {
  /** Stable id recorded on every version sealed with this key (e.g. a Secrets Manager VersionId). */
  keyId: string;
  key: Uint8Array;
}

/** Port: where the history MAC keys come from. */
export interface MacKeyProvider {
  /** The key new versions are sealed with. */
  current(): Promise<MacKey>;
  /** A key by id (current or rotated out), or undefined when this provider does not know it. */
  byId(keyId: string): Promise<Uint8Array | undefined>;
}

/** What a version's MAC covers: the version's identity, the key id and its chained hash. */
export interface MacFields {
  entity: string;
  id: string;
  version: number;
  keyId: string;
  hash: string;
}

export const versionMac = (key: Uint8Array, f: MacFields): string =>
  nodeCrypto().createHmac('sha256', key)
    .update(canonicalJson({ scheme: MAC_SCHEME, entity: f.entity, id: f.id, version: f.version, keyId: f.keyId, hash: f.hash }))
    .digest('hex');

/** Timing-safe comparison of a stored MAC with the recomputed one. */
export const macMatches = (key: Uint8Array, f: MacFields, mac: string): boolean => {
  const want = Buffer.from(versionMac(key, f), 'hex');
  const got = /^[0-9a-f]{64}$/.test(mac) ? Buffer.from(mac, 'hex') : Buffer.alloc(0);
  return got.length === want.length && nodeCrypto().timingSafeEqual(got, want);
};

const checkKey = (key: Uint8Array, where: string): Uint8Array => {
  if (key.length < MIN_MAC_KEY_BYTES) throw new StoreFailureError(`The history MAC key ${where} is ${key.length} bytes; at least ${MIN_MAC_KEY_BYTES} are needed.`);
  return key;
};

const KEY_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** In-memory keys (tests): starts with one random key; `rotate()` adds a new current key. */
export const createInMemoryMacKeyProvider = (initial?: MacKey) => {
  const keys = new Map<string, Uint8Array>();
  let currentId = initial?.keyId ?? 'k1';
  keys.set(currentId, checkKey(initial?.key ?? nodeCrypto().randomBytes(32), currentId));
  let n = keys.size;
  return {
    current: async (): Promise<MacKey> => ({ keyId: currentId, key: keys.get(currentId) as Uint8Array }),
    byId: async (keyId: string) => keys.get(keyId),
    /** Makes a fresh key current; the old ones stay available for verification. */
    rotate: (key: Uint8Array = nodeCrypto().randomBytes(32), keyId = `k${++n}`): MacKey => {
      keys.set(keyId, checkKey(key, keyId));
      currentId = keyId;
      return { keyId, key };
    },
    /** Forgets a key (to show what happens when a key is lost). */
    drop: (keyId: string) => void keys.delete(keyId),
  };
};
export type InMemoryMacKeyProvider = ReturnType<typeof createInMemoryMacKeyProvider>;

interface KeyFile {
  current: string;
  keys: Record<string, string>;
}

const readKeyFile = (path: string): KeyFile => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new StoreFailureError(`The history key file ${path} is not readable JSON; restore it from a backup (versions sealed with its keys cannot be verified without it).`, err);
  }
  const f = parsed as Partial<KeyFile>;
  if (!f || typeof f.current !== 'string' || !f.keys || typeof f.keys !== 'object' || typeof f.keys[f.current] !== 'string') {
    throw new StoreFailureError(`The history key file ${path} must be {"current": "<id>", "keys": {"<id>": "<base64>"}}.`);
  }
  return { current: f.current, keys: { ...f.keys } };
};

const writeKeyFile = (path: string, file: KeyFile): void => {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(file, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
};

/**
 * Keys in a local file (the local stack's data dir): created with one random 256-bit key on first
 * use, mode 0600. `rotateMacKeyFile` adds a new current key and keeps the old ones.
 */
export const createFileMacKeyProvider = (opts: { path: string }): MacKeyProvider => {
  let cache: KeyFile | undefined;
  const load = (): KeyFile => {
    if (cache) return cache;
    if (!existsSync(opts.path)) {
      try {
        const fd = openSync(opts.path, 'wx', 0o600);
        try {
          writeSync(fd, `${JSON.stringify({ current: 'local-1', keys: { 'local-1': nodeCrypto().randomBytes(32).toString('base64') } }, null, 2)}\n`);
        } finally {
          closeSync(fd);
        }
      } catch (err) {
        if ((err as { code?: string }).code !== 'EEXIST') throw new StoreFailureError(`Could not create the history key file ${opts.path}.`, err);
      }
    }
    cache = readKeyFile(opts.path);
    return cache;
  };
  return {
    current: async () => {
      const f = load();
      return { keyId: f.current, key: checkKey(Buffer.from(f.keys[f.current] as string, 'base64'), f.current) };
    },
    byId: async (keyId) => {
      let f = load();
      if (f.keys[keyId] === undefined) {
        cache = undefined; // rotated by another process since we read it
        f = load();
      }
      const b64 = f.keys[keyId];
      return b64 === undefined ? undefined : checkKey(Buffer.from(b64, 'base64'), keyId);
    },
  };
};

/** Adds a fresh current key to a key file (old keys stay, so old versions keep verifying). */
export const rotateMacKeyFile = (path: string, keyId?: string): string => {
  const f = readKeyFile(path);
  const id = keyId ?? `local-${Object.keys(f.keys).length + 1}`;
  if (!KEY_ID.test(id) || f.keys[id] !== undefined) throw new StoreFailureError(`Key id ${id} is not usable (taken or malformed).`);
  f.keys[id] = nodeCrypto().randomBytes(32).toString('base64');
  f.current = id;
  writeKeyFile(path, f);
  return id;
};

/** The narrow part of SecretsManagerClient#send this adapter uses (so tests can stub it). */
export interface SecretsManagerLike {
  send(command: { input: { SecretId?: string; VersionId?: string; VersionStage?: string } }): Promise<{ SecretString?: string; SecretBinary?: Uint8Array; VersionId?: string }>;
}

export interface SecretsManagerMacKeyOptions {
  client: SecretsManagerLike;
  secretId: string;
  /** Builds the GetSecretValue command (pass `(input) => new GetSecretValueCommand(input)`). */
  command: (input: { SecretId: string; VersionId?: string; VersionStage?: string }) => { input: { SecretId?: string; VersionId?: string; VersionStage?: string } };
  /** How long the current key is cached per container before asking again (default 5 minutes). */
  currentTtlMs?: number;
  now?: () => number;
}

/** A secret value: base64 of at least 32 bytes, or JSON {"key": "<base64>"}. */
const keyFromSecret = (out: { SecretString?: string; SecretBinary?: Uint8Array }, where: string): Uint8Array => {
  if (out.SecretBinary && out.SecretBinary.length > 0) return checkKey(out.SecretBinary, where);
  const s = (out.SecretString ?? '').trim();
  let b64 = s;
  if (s.startsWith('{')) {
    try {
      b64 = String((JSON.parse(s) as { key?: unknown }).key ?? '');
    } catch {
      b64 = '';
    }
  }
  return checkKey(Buffer.from(b64, 'base64'), where);
};

/**
 * Keys from an AWS Secrets Manager secret, cached per container: the AWSCURRENT version seals new
 * versions (re-read every `currentTtlMs`), any version id verifies (cached for the container's
 * life). Rotating = putting a new secret value; keep old secret versions (give them a staging
 * label) as long as versions sealed with them must verify.
 */
export const createSecretsManagerMacKeyProvider = (opts: SecretsManagerMacKeyOptions): MacKeyProvider => {
  const ttl = opts.currentTtlMs ?? 5 * 60 * 1000;
  const now = opts.now ?? Date.now;
  const byVersion = new Map<string, Promise<Uint8Array | undefined>>();
  let current: { at: number; value: Promise<MacKey> } | undefined;
  const fetchCurrent = async (): Promise<MacKey> => {
    let out: Awaited<ReturnType<SecretsManagerLike['send']>>;
    try {
      out = await opts.client.send(opts.command({ SecretId: opts.secretId, VersionStage: 'AWSCURRENT' }));
    } catch (err) {
      throw new StoreFailureError('The history MAC key could not be read from Secrets Manager (does the secret have a value? see the README, Integrity).', err);
    }
    if (!out.VersionId) throw new StoreFailureError('The history MAC secret has no current version; put a value in it (see the README, Integrity).');
    const key = keyFromSecret(out, 'from Secrets Manager');
    byVersion.set(out.VersionId, Promise.resolve(key));
    return { keyId: out.VersionId, key };
  };
  return {
    current: async () => {
      if (!current || now() - current.at > ttl) {
        const value = fetchCurrent();
        current = { at: now(), value };
        value.catch(() => {
          if (current?.value === value) current = undefined;
        });
      }
      return current.value;
    },
    byId: async (keyId) => {
      let p = byVersion.get(keyId);
      if (!p) {
        p = opts.client
          .send(opts.command({ SecretId: opts.secretId, VersionId: keyId }))
          .then((out) => keyFromSecret(out, `version ${keyId}`))
          .catch((err: unknown) => {
            byVersion.delete(keyId);
            if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
            throw new StoreFailureError('The history MAC key could not be read from Secrets Manager.', err);
          });
        byVersion.set(keyId, p);
      }
      return p;
    },
  };
};
