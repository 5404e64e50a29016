import { captureLogger } from '@iac-review/logger/testing';
import { gatherTerraform, localModuleDirs } from '../src/gather';
import { createGitHubClient } from '../src/github-client';
import { startGitHubStub, type GitHubStub } from './support/github-stub';
import { REPO } from './support/harness';

const SHA = '3333333333333333333333333333333333333333';

describe('gatherTerraform: context for the evaluation', () => {
  let stub: GitHubStub;
  beforeEach(async () => {
    stub = await startGitHubStub();
  });
  afterEach(async () => {
    await stub.close();
  });

  it('should fetch the unchanged files of the local modules a changed file calls (nested), as context', async () => {
    stub.setPullRequestFiles(REPO, 9, [{ filename: 'envs/prod/main.tf', status: 'modified', patch: '@@ -1 +1 @@\n-a\n+b' }]);
    stub.setContents(REPO, SHA, {
      'envs/prod/main.tf': 'module "net" {\n  source = "../../modules/net"\n}\n',
      'envs/prod/variables.tf': 'variable "env" {}\n',
      'modules/net/main.tf': 'module "sg" {\n  source = "./sg"\n}\n',
      'modules/net/sg/main.tf': 'resource "aws_security_group" "this" {}\n',
      'modules/unrelated/main.tf': 'resource "aws_s3_bucket" "b" {}\n',
      'README.md': 'docs',
    });
    const gh = createGitHubClient({ baseUrl: stub.url, credentials: { kind: 'token', token: 't' }, logger: captureLogger().logger, maxRetries: 0, maxRateLimitWaitSeconds: 0 });
    const got = await gatherTerraform(gh, { owner: 'acme', repo: 'infra', pullRequest: 9, headSha: SHA });
    expect(got.files.map((f) => [f.path, f.context === true])).toEqual([
      ['envs/prod/main.tf', false],
      ['envs/prod/variables.tf', true],
      ['modules/net/main.tf', true],
      ['modules/net/sg/main.tf', true],
    ]);
  });

  it('should resolve local module sources relative to the calling directory and never outside the repository', () => {
    expect(localModuleDirs('envs/prod', 'module "a" {\n  source = "../../modules/a"\n}\nmodule "b" {\n  source = "./b"\n}\nmodule "r" {\n  source = "hashicorp/x/aws"\n}\n')).toEqual(['modules/a', 'envs/prod/b']);
    expect(localModuleDirs('', 'module "up" {\n  source = "../elsewhere"\n}\n')).toEqual([]);
  });
});
