#!/usr/bin/env node
// Lints the OpenAPI document with Redocly's recommended rules (ESM-only library, hence .mjs).
// Usage: node scripts/src/lint-openapi.mjs [--json]   exit 1 when there is any problem.
import process from 'node:process';
import { createConfig, lint } from '@redocly/openapi-core';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const doc = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'core', 'src', 'openapi.json');
// /health cannot fail on the client's side: it has no 4xx response to document.
const config = await createConfig({ extends: ['recommended'], rules: { 'operation-4xx-response': 'off' } });
const problems = (await lint({ ref: doc, config })).map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer ?? '?'}`);
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(problems)}\n`);
else process.stderr.write(problems.length ? `${problems.join('\n')}\n` : 'openapi.json: no problems\n');
process.exit(problems.length ? 1 : 0);
