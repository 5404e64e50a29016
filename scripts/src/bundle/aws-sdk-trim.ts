import type { Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';

/**
 * Each AWS SDK client keeps the schemas of all its operations in one module
 * (`dist-es/schemas/schemas_0.js`: ~140 KB for S3, of which we use three operations). The entries
 * are plain arrays and objects that esbuild could drop when unused, but their objects use computed
 * keys naming module constants (`{ [_hC]: "-" }` with `const _hC = "httpChecksum"`), and a computed
 * key counts as a possible side effect, so esbuild keeps every schema. Writing those keys as the
 * string literals they are changes nothing at run time and lets tree shaking work: the S3 client
 * drops from ~130 KB to ~75 KB of minified code.
 */
export const literalSchemaKeys = (source: string): { code: string; replaced: number } => {
  const strings = new Map<string, string>();
  for (const m of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(m[1]!, m[2]!);
  let replaced = 0;
  const code = source.replace(/([{,]\s*)\[(_\w+)\]:/g, (all, before: string, id: string) => {
    const literal = strings.get(id);
    if (literal === undefined) return all;
    replaced += 1;
    return `${before}${literal}:`;
  });
  return { code, replaced };
};

/**
 * A client reads only `version` from its own package.json (for the user agent); a default import
 * of the JSON would put the whole file (~2.5 KB of scripts and dependency lists) in every bundle.
 */
export const packageVersionOnly = (json: string): string => {
  const { name, version } = JSON.parse(json) as { name?: string; version?: string };
  return JSON.stringify({ name, version });
};

const SCHEMAS = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
const CLIENT_PACKAGE_JSON = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/;

/** esbuild plugin applying both to every `@aws-sdk/client-*` package. */
export const awsSdkTrimPlugin: Plugin = {
  name: 'aws-sdk-trim',
  setup(build) {
    build.onLoad({ filter: SCHEMAS }, (args) => ({ contents: literalSchemaKeys(readFileSync(args.path, 'utf8')).code, loader: 'js' }));
    build.onLoad({ filter: CLIENT_PACKAGE_JSON }, (args) => ({ contents: packageVersionOnly(readFileSync(args.path, 'utf8')), loader: 'json' }));
  },
};
