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

/**
 * Errors whose registration stays: ConditionalCheckFailedException, because identity's rate limiter
 * checks it with `instanceof`; ReplicatedWriteConflictException, the one error class among our
 * clients that carries `$retryable` (the retry strategy reads it from the instance).
 */
export const KEPT_ERRORS: ReadonlySet<string> = new Set(['ConditionalCheckFailedException', 'ReplicatedWriteConflictException']);

/**
 * Each client registers a class for every error its service can return (`n0_registry.registerError(X$, X)`
 * in the schema module: 35 classes for DynamoDB, 21 for S3, ~25 KB of minified code over our four
 * clients), and a top-level call keeps every class in the bundle. An error the registry does not know
 * is not lost: the protocol (`getErrorSchemaOrThrowBaseException` in @aws-sdk/core) throws the
 * client's service exception (kept: its registration is `_s_registry`'s) with the same `name`,
 * message, `$fault` and `$metadata`, and every field of the response body copied onto it. Our
 * adapters tell errors apart by `name` and status (dynamo-versioning's aws-errors.ts, s3-blob-store.ts),
 * so dropping the registrations of the others changes nothing they see; `instanceof` a dropped
 * class would be false, which is why KEPT_ERRORS stay.
 */
export const dropErrorRegistrations = (source: string, keep: ReadonlySet<string> = KEPT_ERRORS): { code: string; dropped: string[] } => {
  const dropped: string[] = [];
  let code = source.replace(/^(\w+)_registry\.registerError\((\w+)\$, (\w+)\);\n/gm, (all, registry: string, schema: string, ctor: string) => {
    if (registry === '_s' || schema !== ctor || keep.has(ctor)) return all;
    dropped.push(ctor);
    return '';
  });
  if (dropped.length > 0) {
    const gone = new Set(dropped);
    code = code.replace(/^import \{([^}]*)\} from "\.\.\/models\/errors";$/m, (_all, names: string) => {
      const left = names.split(',').map((n) => n.trim()).filter((n) => n !== '' && !gone.has(n));
      return left.length > 0 ? `import { ${left.join(', ')} } from "../models/errors";` : '';
    });
  }
  return { code, dropped };
};

const SCHEMAS = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
const CLIENT_PACKAGE_JSON = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/;

/** esbuild plugin applying these to every `@aws-sdk/client-*` package. */
export const awsSdkTrimPlugin: Plugin = {
  name: 'aws-sdk-trim',
  setup(build) {
    build.onLoad({ filter: SCHEMAS }, (args) => ({
      contents: dropErrorRegistrations(literalSchemaKeys(readFileSync(args.path, 'utf8')).code).code,
      loader: 'js',
    }));
    build.onLoad({ filter: CLIENT_PACKAGE_JSON }, (args) => ({ contents: packageVersionOnly(readFileSync(args.path, 'utf8')), loader: 'json' }));
  },
};
