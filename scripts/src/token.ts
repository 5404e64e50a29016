import { DEFAULT_READER_PASSWORD, DEFAULT_WRITER_PASSWORD, LOCAL_CLIENT_ID } from './local/identity';
import { readStateFile } from './local/state-file';

const HELP = `Usage: npm run -s token -- <reader|writer> [--password P]

Prints an OIDC token for a seeded user of the running local stack's issuer (npm start), for
  curl -H "Authorization: Bearer $(npm run -s token -- reader)" http://127.0.0.1:3000/reviews
reader is in iac-readers (reviews:read, analytics:read); writer in iac-writers (also reviews:write).
Passwords: LOCAL_READER_PASSWORD / LOCAL_WRITER_PASSWORD as given to npm start (defaults are in the README).`;

const main = async (): Promise<number> => {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h') || args.length === 0) {
    process.stdout.write(`${HELP}\n`);
    return args.length === 0 ? 2 : 0;
  }
  const username = args[0]!;
  const i = args.indexOf('--password');
  const password = i >= 0 ? args[i + 1] : username === 'reader' ? process.env.LOCAL_READER_PASSWORD || DEFAULT_READER_PASSWORD : username === 'writer' ? process.env.LOCAL_WRITER_PASSWORD || DEFAULT_WRITER_PASSWORD : undefined;
  if (!password) {
    process.stderr.write(`No password for ${username}: the local issuer seeds reader and writer; give --password for others.\n`);
    return 2;
  }
  const state = readStateFile();
  if (typeof state === 'string') {
    process.stderr.write(`${state}\n`);
    return 1;
  }
  const issuer = state.env.OIDC_ISSUER;
  if (!issuer || state.env.OIDC_AUDIENCE !== LOCAL_CLIENT_ID) {
    process.stderr.write(`The running stack signs in with ${issuer ?? 'no issuer'}, not its local issuer: get a token from that issuer (password grants are for the local issuer only).\n`);
    return 1;
  }
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: LOCAL_CLIENT_ID, username, password }),
  });
  const body = (await res.json()) as { access_token?: string; error_description?: string };
  if (!res.ok || !body.access_token) {
    process.stderr.write(`The local issuer refused: ${body.error_description ?? `HTTP ${res.status}`}\n`);
    return 1;
  }
  process.stdout.write(`${body.access_token}\n`);
  return 0;
};

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`token failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
