// The GitHub workflows: valid (action-validator, the workflow schema as a linter), third-party
// actions pinned to commit SHAs, least permissions per job, Node from .nvmrc.
import { validateWorkflow } from '@action-validator/core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../src/lib/repo';

const dir = join(repoRoot, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const read = (f: string): string => readFileSync(join(dir, f), 'utf8');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string> | string;
  steps?: Step[];
  if?: string;
}
interface Workflow {
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}
const workflow = (f: string): Workflow => parse(read(f)) as Workflow;

describe('GitHub workflows', () => {
  it('should find the ci and deploy workflows', () => {
    expect(files.sort()).toEqual(expect.arrayContaining(['ci.yml', 'deploy.yml']));
  });

  it.each(files)('%s should pass the workflow linter', (f) => {
    expect(validateWorkflow(read(f)).errors).toEqual([]);
  });

  it('should have a linter that catches a broken workflow (so a pass above means something)', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    permissions:\n      contents: reed\n    stepz:\n      - run: echo hi\n';
    const errors = JSON.stringify(validateWorkflow(broken).errors);
    expect(errors).toContain("Additional property 'stepz' is not allowed");
    expect(errors).toContain('/jobs/a/permissions/contents');
  });

  it.each(files)('%s should pin every third-party action to a full commit SHA with its version in a comment', (f) => {
    const uses = [...read(f).matchAll(/^\s*-?\s*uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, rest] of uses) {
      if (ref?.startsWith('./')) continue;
      expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      expect(rest).toMatch(/# v\d+\.\d+\.\d+/);
    }
  });

  it.each(files)('%s should grant nothing by default and only what each job needs', (f) => {
    const wf = workflow(f);
    expect(wf.permissions).toEqual({});
    for (const [name, job] of Object.entries(wf.jobs)) {
      expect(typeof job.permissions).toBe('object');
      const perms = job.permissions as Record<string, string>;
      expect(perms.contents).toBe('read');
      for (const [scope, level] of Object.entries(perms)) {
        if (level !== 'write') continue;
        // The only writes: OIDC for the deploy job, code scanning upload for the review job.
        expect(`${f}:${name}:${scope}`).toMatch(/^(deploy\.yml:deploy:id-token|ci\.yml:review-own-plan:security-events)$/);
      }
    }
  });

  it('should run Node from .nvmrc (22, the Lambda runtime) in every job, and allow this machine\'s Node to install', () => {
    expect(readFileSync(join(repoRoot, '.nvmrc'), 'utf8').trim()).toBe('22');
    for (const f of files)
      for (const job of Object.values(workflow(f).jobs)) {
        const setup = job.steps?.find((s) => s.uses?.startsWith('actions/setup-node@'));
        expect(setup?.with).toEqual({ 'node-version-file': '.nvmrc' });
      }
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string }; devEngines: { runtime: { version: string; onFail: string } } };
    const major = Number(process.versions.node.split('.')[0]);
    expect(Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1])).toBeLessThanOrEqual(major);
    expect(pkg.devEngines.runtime).toMatchObject({ version: '>=22', onFail: 'warn' });
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'functions', 'manifest.json'), 'utf8')) as { defaults: { runtime: string } };
    expect(manifest.defaults.runtime).toBe('nodejs22.x');
  });

  it('should review the offline plan of our own deployment on pull requests: SARIF to code scanning, markdown to the job summary', () => {
    const job = workflow('ci.yml').jobs['review-own-plan'];
    expect(job?.if).toBe("github.event_name == 'pull_request'");
    const runs = (job?.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm run plan -- --out own-plan.json');
    expect(runs).toContain('npx iac-review review --format sarif own-plan.json > own-plan.sarif');
    expect(runs).toContain('npx iac-review review --format markdown own-plan.json >> "$GITHUB_STEP_SUMMARY"');
    const upload = job?.steps?.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.sarif_file).toBe('own-plan.sarif');
  });

  it('should deploy with the provider the lock file allows, never extending it', () => {
    const runs = (workflow('deploy.yml').jobs.deploy?.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('terraform init -input=false -lockfile=readonly');
    expect(runs).toMatch(/terraform plan[^\n]*-out tfplan/);
    expect(runs).toContain('terraform apply -input=false tfplan');
  });
});
