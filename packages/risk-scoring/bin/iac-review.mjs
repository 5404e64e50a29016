#!/usr/bin/env node
// The `iac-review` command: `iac-review review …` reviews a plan / Terraform source locally,
// `iac-review submit …` posts a plan to the API. Runs the pre-bundled CLI (dist/review.mjs) in this
// process: no package manager, no TypeScript compiler, no second node process. In the repository
// the bundle is rebuilt first when a source file is newer than it (esbuild, a few hundred ms).
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/review.mjs', import.meta.url));
const builder = fileURLToPath(new URL('../scripts/build-cli.mjs', import.meta.url));
const [command, ...rest] = process.argv.slice(2);

const USAGE = `Usage: iac-review <command> [options]

Commands:
  review [options] <plan.json | file.tf | directory>…
                 review a Terraform plan (terraform show -json output; "-" reads stdin) or
                 Terraform source locally, with the rules only; see: iac-review review --help
  submit [options] <plan.json>
                 post a plan to the IaC Review API (POST /reviews) for a full review;
                 see: iac-review submit --help
  help           this text
`;

if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (command !== 'review' && command !== 'submit') {
  process.stderr.write(`iac-review: unknown command "${command}"\n\n${USAGE}`);
  process.exit(2);
}
if (existsSync(builder)) {
  const { isStale, build } = await import(builder);
  if (isStale()) {
    const t = Date.now();
    await build();
    process.stderr.write(`[iac-review] rebuilt ${bundle} (sources changed) in ${Date.now() - t} ms\n`);
  }
} else if (!existsSync(bundle)) {
  process.stderr.write(`iac-review: ${bundle} is missing\n`);
  process.exit(2);
}
// The bundled CLI reads its arguments from process.argv: `review` reviews with the rest, `submit` posts.
process.argv = [process.argv[0], bundle, ...(command === 'submit' ? ['submit', ...rest] : rest)];
await import(bundle);
