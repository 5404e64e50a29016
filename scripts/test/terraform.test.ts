import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableDefinition, openApiDocument } from '@iac-review/core';
import { reviewInput } from '@iac-review/risk-scoring';
import { bundleFunction } from '../src/bundle/bundle';
import { DASHBOARD_SECURITY_HEADERS } from '../src/local/dashboard';
import { loadManifest, repoRoot } from '../src/lib/repo';
import { offlineEnv, terraform, writeCliConfig } from '../src/terraform/offline';
import { lockFile } from '../src/terraform/plan';
import { describeSource, explainInitFailure, lockedVersion, providerSourceForThisMachine } from '../src/terraform/provider-source';

interface PlannedResource {
  address: string;
  type: string;
  name: string;
  index?: string | number;
  values: Record<string, unknown>;
}
interface PlanModule {
  resources?: PlannedResource[];
  child_modules?: PlanModule[];
}

interface PlanJson {
  planned_values: { root_module: PlanModule; outputs: Record<string, { value?: unknown }> };
  resource_changes: Array<{ address: string; change: { after_unknown?: Record<string, unknown> } }>;
  configuration: { root_module: ConfigModule };
}
interface ConfigModule {
  resources?: Array<{ address: string; expressions?: Record<string, unknown> }>;
  module_calls?: Record<string, { expressions?: Record<string, unknown>; module?: ConfigModule }>;
}

const allResources = (m: PlanModule | undefined): PlannedResource[] => (m ? [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(allResources)] : []);

const tfDir = join(repoRoot, 'terraform');

// The provider source is decided once (TF_PROVIDER_MIRROR, a mirror on this machine, else the
// registry) and named in the suite title, so the test output says which one was used.
const source = providerSourceForThisMachine(lockFile);

describe(`terraform (offline fmt, validate, plan; provider from ${describeSource(source)})`, () => {
  const work = mkdtempSync(join(tmpdir(), 'tf-'));
  const artifacts = join(work, 'artifacts');
  let env: NodeJS.ProcessEnv;
  let resources: PlannedResource[] = [];
  let outputs: Record<string, { value?: unknown }> = {};
  let planJson: PlanJson | undefined;

  beforeAll(async () => {
    // Said once in the test output, whichever reporter runs.
    console.info(`terraform: provider hashicorp/aws ${lockedVersion(lockFile)} from ${describeSource(source)}`);
    env = offlineEnv(writeCliConfig(work, source), join(work, 'data'));
    // Terraform needs the zips, not their smallest form: zlib, not zopfli (bundle-zip.test.ts covers that).
    for (const spec of loadManifest()) await bundleFunction(repoRoot, spec, artifacts, { deflate: 'zlib' });
    // esbuild for every function: ~6 s here, several times that on a loaded 2-core machine.
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('should be formatted', () => {
    const r = terraform(['fmt', '-check', '-recursive', '-diff', '-no-color'], tfDir, env);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('should init with the provider the committed lock file allows, and validate', () => {
    const lockBefore = readFileSync(lockFile, 'utf8');
    const init = terraform(['init', '-backend=false', '-input=false', '-no-color'], tfDir, env);
    if (init.status !== 0) throw new Error(explainInitFailure(source, init.stderr, lockedVersion(lockFile)));
    expect(init.stderr).toBe('');
    // The package installed matched a committed checksum: init kept every locked hash and the version.
    const lockAfter = readFileSync(lockFile, 'utf8');
    for (const hash of lockBefore.match(/"(h1|zh):[^"]+"/g) ?? []) expect(lockAfter).toContain(hash);
    expect(lockedVersion(lockFile)).toBe('5.100.0');
    const v = terraform(['validate', '-no-color'], tfDir, env);
    expect(v.stdout).toContain('Success');
    expect(v.status).toBe(0);
    // From the registry (hosted runners) init downloads the provider package (~100 MB).
  }, 300000);

  it('should plan offline with the bundler zips', () => {
    const planFile = join(work, 'plan.bin');
    const plan = terraform(['plan', '-refresh=false', '-lock=false', '-input=false', '-no-color', '-var', 'offline_checks=true', '-var', `artifacts_dir=${artifacts}`, '-out', planFile], tfDir, env);
    expect(plan.stderr).toBe('');
    expect(plan.status).toBe(0);
    const show = terraform(['show', '-json', planFile], tfDir, env);
    expect(show.status).toBe(0);
    const json = JSON.parse(show.stdout) as PlanJson;
    planJson = json;
    outputs = json.planned_values.outputs;
    resources = allResources(json.planned_values.root_module);
    expect(resources.length).toBeGreaterThan(10);
  }, 120000);

  it('should deploy every manifest function as arm64 with active tracing, its own zip hash and log retention', () => {
    const fns = resources.filter((r) => r.type === 'aws_lambda_function');
    const manifest = loadManifest();
    expect(fns).toHaveLength(manifest.length);
    for (const spec of manifest) {
      const fn = fns.find((r) => r.address === `module.lambda["${spec.name}"].aws_lambda_function.this`);
      expect(fn).toBeDefined();
      expect(fn?.values.architectures).toEqual([spec.architecture]);
      expect(fn?.values.tracing_config).toEqual([{ mode: 'Active' }]);
      expect(fn?.values.memory_size).toBe(spec.memoryMb);
      const zipHash = createHash('sha256').update(readFileSync(join(artifacts, `${spec.name}.zip`))).digest('base64');
      expect(fn?.values.source_code_hash).toBe(zipHash);
      const logs = resources.find((r) => r.address === `module.lambda["${spec.name}"].aws_cloudwatch_log_group.this`);
      expect(logs?.values.retention_in_days).toBe(spec.logRetentionDays);
    }
  });

  it('should give each role only its own scoped actions: no wildcard action, no deletes but of idempotency records', () => {
    const permissions = outputs.function_permissions?.value as Record<string, Record<string, string[]>>;
    const manifest = loadManifest();
    expect(Object.keys(permissions).sort()).toEqual(manifest.map((f) => f.name).sort());
    for (const spec of manifest) {
      const perms = permissions[spec.name] ?? {};
      for (const [sid, actions] of Object.entries(perms)) {
        for (const a of actions) {
          expect(a).not.toContain('*');
          if (sid !== 'ForgetDeliveries') expect(a).not.toMatch(/Delete/);
        }
      }
      // A webhook that failed half-way forgets its delivery record so the retry is processed: a
      // DeleteItem limited to IDEMPOTENCY# partition keys, only where the manifest declares it.
      expect(perms.ForgetDeliveries ?? null).toEqual(spec.resources.deliveries === 'forget' ? ['dynamodb:DeleteItem'] : null);
      if (perms.ForgetDeliveries) {
        const conditions = outputs.function_permission_conditions?.value as Record<string, Record<string, unknown>>;
        expect(conditions[spec.name]?.ForgetDeliveries).toEqual({
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IDEMPOTENCY#*'] },
        });
      }
      // Exactly the access the manifest declares, nothing more.
      const table = spec.resources.table as string | undefined;
      expect(Boolean(perms.Table)).toBe(Boolean(table));
      if (table === 'read') expect(perms.Table?.some((a) => /Put|Update/.test(a))).toBe(false);
      expect(Boolean(perms.Events)).toBe(spec.resources.bus === 'put');
      expect(Boolean(perms.Bedrock)).toBe(spec.resources.bedrock === 'invoke');
      expect(Boolean(perms.Inputs)).toBe(Boolean(spec.resources.bucket));
    }
  });

  it('should build the table from table.json', () => {
    const table = resources.find((r) => r.type === 'aws_dynamodb_table');
    const gsis = (table?.values.global_secondary_index as Array<{ name: string; hash_key: string; range_key: string }>).map((g) => g.name).sort();
    expect(gsis).toEqual(tableDefinition.globalSecondaryIndexes.map((i) => i.name).sort());
    expect(table?.values.hash_key).toBe(tableDefinition.partitionKey.name);
    expect(table?.values.ttl).toEqual([{ attribute_name: tableDefinition.ttlAttribute, enabled: true }]);
    expect(table?.values.point_in_time_recovery).toEqual([{ enabled: true }]);
  });

  it('should feed every OpenAPI route to API Gateway through a Lambda proxy integration', () => {
    const ops = outputs.api_operations?.value as Record<string, Record<string, string>>;
    const expected: Record<string, Record<string, string>> = {};
    for (const [path, item] of Object.entries(openApiDocument.paths)) {
      // Every path also answers CORS preflight through the API function.
      expected[path] = { options: 'aws_proxy:api-handler' };
      for (const [method, op] of Object.entries(item)) expected[path][method] = `aws_proxy:${(op as Record<string, string>)['x-iac-review-function']}`;
    }
    expect(ops).toEqual(expected);
    expect(resources.find((r) => r.type === 'aws_api_gateway_rest_api')).toBeDefined();
  });

  it('should deploy the Spacelift webhook with least privilege: only it reads the webhook secret, only the reviewer the API key', () => {
    const readers = outputs.spacelift_secret_readers?.value as Record<string, string[]>;
    expect(readers).toEqual({ 'spacelift-webhook-handler': ['iac-review-dev/spacelift-webhook-secret'], 'ai-reviewer': ['iac-review-dev/spacelift-api-key'] });
    const permissions = outputs.function_permissions?.value as Record<string, Record<string, string[]>>;
    expect(permissions['spacelift-webhook-handler']).toMatchObject({ Secrets: ['secretsmanager:GetSecretValue'], Events: ['events:PutEvents'] });
    expect(permissions['spacelift-webhook-handler']?.Bedrock).toBeUndefined();
    expect(resources.find((r) => r.address === 'module.lambda["spacelift-webhook-handler"].aws_lambda_function.this')).toBeDefined();
    // The secret's id reaches the function through its environment (the values are known only after apply).
    expect(JSON.stringify(planJson?.configuration.root_module.module_calls?.lambda?.expressions?.environment ?? {})).toContain('local.spacelift_function_environment');
    const ops = outputs.api_operations?.value as Record<string, string> | undefined;
    expect(JSON.stringify(ops)).toContain('spacelift-webhook-handler');
    expect(outputs.spacelift_webhook_url).toBeDefined();
  });

  it('should run the nightly rollup on an EventBridge schedule and give the analytics functions only what they need', () => {
    const rule = resources.find((r) => r.address === 'aws_cloudwatch_event_rule.this["trend-aggregation-handler-0"]');
    expect(rule?.values).toMatchObject({ schedule_expression: 'cron(15 0 * * ? *)', event_bus_name: 'default', event_pattern: null });
    expect(resources.find((r) => r.address === 'aws_cloudwatch_event_target.this["trend-aggregation-handler-0"]')).toBeDefined();
    expect(resources.find((r) => r.address === 'aws_lambda_permission.events["trend-aggregation-handler-0"]')?.values.principal).toBe('events.amazonaws.com');
    const permissions = outputs.function_permissions?.value as Record<string, Record<string, string[]>>;
    expect(permissions['historical-analysis-handler']?.Table).not.toContain('dynamodb:PutItem');
    expect(permissions['historical-analysis-handler']?.Events).toBeUndefined();
    expect(permissions['trend-aggregation-handler']?.Table).toContain('dynamodb:PutItem');
    expect(permissions['trend-aggregation-handler']?.Bedrock).toBeUndefined();
  });
  it('should deploy the GitHub functions with least privilege: each reads only its own secret, events routed by source and input kind', () => {
    const secrets = outputs.function_secrets?.value as Record<string, string[]>;
    const webhookSecret = 'iac-review-dev/github-webhook-secret';
    const credentials = 'iac-review-dev/github-credentials';
    expect(secrets['github-webhook-handler']).toContain(webhookSecret);
    expect(secrets['github-webhook-handler']).not.toContain(credentials);
    expect(secrets['pr-review-handler']).toContain(credentials);
    expect(secrets['pr-review-handler']).not.toContain(webhookSecret);
    for (const [fn, list] of Object.entries(secrets)) if (fn !== 'github-webhook-handler' && fn !== 'pr-review-handler') expect(list.filter((s) => s.includes('github'))).toEqual([]);
    const permissions = outputs.function_permissions?.value as Record<string, Record<string, string[]>>;
    expect(permissions['github-webhook-handler']?.Secrets).toEqual(['secretsmanager:GetSecretValue']);
    expect(permissions['pr-review-handler']?.Secrets).toEqual(['secretsmanager:GetSecretValue']);
    expect(permissions['github-webhook-handler']?.Bedrock).toBeUndefined();
    // The functions' environment is unknown until apply (it names created resources), so check its wiring in the configuration.
    const envRefs = (planJson?.configuration.root_module.module_calls?.lambda?.expressions?.environment as { references?: string[] } | undefined)?.references ?? [];
    expect(envRefs).toContain('local.github_function_environment');
    const rule = (key: string) => JSON.parse(String(resources.find((r) => r.address === `aws_cloudwatch_event_rule.this["${key}"]`)?.values.event_pattern)) as Record<string, unknown>;
    expect(rule('pr-review-handler-0')).toEqual({ source: ['iac-review'], 'detail-type': ['ReviewRequested'], detail: { source: ['github'], inputKind: ['pull-request'] } });
    expect(rule('pr-review-handler-1')).toEqual({ source: ['iac-review'], 'detail-type': ['ReviewCompleted'], detail: { source: ['github'] } });
    expect(rule('ai-reviewer-0')).toMatchObject({ detail: { inputKind: [{ 'anything-but': expect.arrayContaining(['pull-request']) }] } });
    expect(outputs.github_webhook_url).toBeDefined();
  });

  // ---- Operations and SOC2 evidence (terraform/evidence.tf, cloudtrail.tf, alarms.tf, dashboard.tf, waf.tf, kms.tf) ----

  const one = (address: string): PlannedResource => {
    const r = resources.find((x) => x.address === address);
    if (!r) throw new Error(`${address} is not in the plan`);
    return r;
  };
  const ofType = (type: string): PlannedResource[] => resources.filter((r) => r.type === type);
  /** References of a root-module resource attribute in the configuration (values unknown until apply). */
  const references = (address: string, ...path: Array<string | number>): string[] => {
    const res = planJson?.configuration.root_module.resources?.find((r) => r.address === address);
    let node: unknown = res?.expressions;
    for (const p of path) node = (node as Record<string | number, unknown> | undefined)?.[p];
    return ((node as { references?: string[] } | undefined)?.references ?? []).slice();
  };

  it('should keep the log retention precedence: function setting > variable > manifest default', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'functions', 'manifest.json'), 'utf8')) as { defaults: { logRetentionDays: number }; functions: Record<string, { logRetentionDays?: number }> };
    // Default plan (variable unset): the manifest default, or the function's own value.
    for (const [name, fn] of Object.entries(manifest.functions))
      expect(one(`module.lambda["${name}"].aws_cloudwatch_log_group.this`).values.retention_in_days).toBe(fn.logRetentionDays ?? manifest.defaults.logRetentionDays);
    // The API access log and the WAF log are audit evidence: a year or more, whatever the functions keep.
    expect(one('aws_cloudwatch_log_group.api_access').values.retention_in_days).toBe(400);
    expect(one('aws_cloudwatch_log_group.waf[0]').values.retention_in_days).toBe(400);
    // Every log group is encrypted with the logs key.
    for (const name of Object.keys(manifest.functions)) expect(one(`module.lambda["${name}"].aws_cloudwatch_log_group.this`).values).not.toHaveProperty('kms_key_id', null);
    expect(references('aws_cloudwatch_log_group.api_access', 'kms_key_id')).toContain('aws_kms_key.this["logs"].arn');
  });

  it('should ship audit and security events to an Object Lock evidence bucket (compliance, 400 days, SSE-KMS, archive class)', () => {
    expect(one('aws_s3_bucket.evidence').values.object_lock_enabled).toBe(true);
    expect(one('aws_s3_bucket_object_lock_configuration.evidence').values.rule).toEqual([{ default_retention: [{ mode: 'COMPLIANCE', days: 400, years: null }] }]);
    expect(one('aws_s3_bucket_versioning.evidence').values.versioning_configuration).toEqual([expect.objectContaining({ status: 'Enabled' })]);
    const sse = one('aws_s3_bucket_server_side_encryption_configuration.evidence').values.rule as Array<{ apply_server_side_encryption_by_default: Array<{ sse_algorithm: string }> }>;
    expect(sse[0]?.apply_server_side_encryption_by_default[0]?.sse_algorithm).toBe('aws:kms');
    expect(references('aws_s3_bucket_server_side_encryption_configuration.evidence', 'rule', 0, 'apply_server_side_encryption_by_default', 0, 'kms_master_key_id')).toContain('aws_kms_key.this["evidence"].arn');
    const lifecycle = one('aws_s3_bucket_lifecycle_configuration.evidence').values.rule as Array<{ transition: Array<{ days: number; storage_class: string }> }>;
    expect(lifecycle[0]?.transition).toEqual([expect.objectContaining({ days: 90, storage_class: 'GLACIER_IR' })]);
    expect(one('aws_s3_bucket_public_access_block.evidence').values).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    // Every function's log group forwards exactly its audit and security lines to the delivery stream.
    const filters = ofType('aws_cloudwatch_log_subscription_filter');
    expect(filters.map((f) => f.index).sort()).toEqual(loadManifest().map((f) => f.name).sort());
    for (const f of filters) expect(f.values.filter_pattern).toBe('{ ($.type = "audit") || ($.type = "security") }');
    const stream = one('aws_kinesis_firehose_delivery_stream.evidence').values as { destination: string; extended_s3_configuration: Array<{ processing_configuration: Array<{ processors: Array<{ type: string }> }> }> };
    expect(stream.destination).toBe('extended_s3');
    expect(stream.extended_s3_configuration[0]?.processing_configuration[0]?.processors.map((p) => p.type)).toEqual(['Decompression', 'CloudWatchLogProcessing', 'AppendDelimiterToRecord']);
  });

  it('should make the evidence queryable: Glue table over the events, a saved "who changed review X" query', () => {
    const table = one('aws_glue_catalog_table.evidence_events').values as { table_type: string; partition_keys: unknown[]; storage_descriptor: Array<{ columns: Array<{ name: string }>; ser_de_info: Array<{ serialization_library: string }> }> };
    expect(table.table_type).toBe('EXTERNAL_TABLE');
    // Partitioned by day through projection over the bucket's events/ prefix (no crawler).
    expect(table.partition_keys).toEqual([expect.objectContaining({ name: 'dt', type: 'string' })]);
    expect(references('aws_glue_catalog_table.evidence_events', 'parameters')).toContain('aws_s3_bucket.evidence.bucket');
    const columns = table.storage_descriptor[0]?.columns.map((c) => c.name) ?? [];
    expect(columns).toEqual(expect.arrayContaining(['ts', 'type', 'action', 'actor', 'resource', 'outcome', 'version', 'requestedversion', 'event', 'reason']));
    expect(table.storage_descriptor[0]?.ser_de_info[0]?.serialization_library).toBe('org.openx.data.jsonserde.JsonSerDe');
    const query = one('aws_athena_named_query.who_changed_review').values.query as string;
    expect(query).toContain("resource = 'review/REVIEW_ID'");
    expect(query).toContain('coalesce(fromversion, lag(coalesce(toversion, version)) OVER (ORDER BY ts)) AS from_version');
    // The columns the query reads are the fields the functions' audit lines carry.
    const handler = readFileSync(join(repoRoot, 'functions', 'api-handler', 'src', 'handler.ts'), 'utf8');
    expect(handler).toMatch(/logger\.audit\(\{ action: `review\.feedback\.\$\{f\.action\}`.*fromVersion: .*toVersion: /);
    expect(columns).toEqual(expect.arrayContaining(['fromversion', 'toversion', 'correlationid', 'traceid']));
    expect(one('aws_athena_workgroup.evidence').values.configuration).toEqual([expect.objectContaining({ enforce_workgroup_configuration: true })]);
  });

  it('should record CloudTrail data events for the table and the evidence bucket, signed', () => {
    const trail = one('aws_cloudtrail.data_events[0]').values as { enable_log_file_validation: boolean; is_multi_region_trail: boolean; advanced_event_selector: Array<{ name: string; field_selector: Array<{ field: string; equals?: string[] }> }> };
    expect(trail.enable_log_file_validation).toBe(true);
    expect(trail.is_multi_region_trail).toBe(true);
    const types = trail.advanced_event_selector.flatMap((s) => s.field_selector.filter((f) => f.field === 'resources.type').flatMap((f) => f.equals ?? []));
    expect(types.sort()).toEqual(['AWS::DynamoDB::Table', 'AWS::S3::Object']);
    expect(references('aws_cloudtrail.data_events', 'kms_key_id')).toContain('aws_kms_key.this["evidence"].arn');
  });

  it('should have every alarm: errors, throttles, dead letters, security events, failed reviews, API 5xx rate and p99, reviewer p99, integrity failures', () => {
    const names = ofType('aws_cloudwatch_metric_alarm').map((a) => a.values.alarm_name as string);
    const p = 'iac-review-dev';
    for (const fn of loadManifest()) expect(names).toEqual(expect.arrayContaining([`${p}-${fn.name}-errors`, `${p}-${fn.name}-throttles`]));
    expect(names).toEqual(
      expect.arrayContaining([`${p}-ai-reviewer-dead-letters`, `${p}-security-events`, `${p}-reviews-failed`, `${p}-api-5xx-rate`, `${p}-api-p99-latency`, `${p}-reviewer-p99-duration`, `${p}-history-integrity-failures`]),
    );
    const integrity = one('aws_cloudwatch_metric_alarm.integrity_failures').values;
    expect(integrity).toMatchObject({ namespace: 'IacReview', metric_name: 'HistoryIntegrityFailures', dimensions: { service: 'iac-review' }, threshold: 1 });
    const failed = one('aws_cloudwatch_log_metric_filter.reviews_failed').values as { pattern: string; metric_transformation: Array<{ name: string; namespace: string }> };
    expect(failed.pattern).toContain('$.outcome = "failure"');
    expect(failed.metric_transformation[0]).toMatchObject({ name: 'ReviewsFailed', namespace: 'IacReview' });
    // With no topic given, the configuration creates one (KMS-encrypted) and every alarm notifies it.
    expect(references('aws_sns_topic.alarms', 'kms_master_key_id')).toContain('aws_kms_key.this["alarms"].arn');
    for (const alarm of planJson?.resource_changes.filter((c) => c.address.startsWith('aws_cloudwatch_metric_alarm.')) ?? []) expect(alarm.change.after_unknown?.alarm_actions).toBe(true);
  });

  it('should build the on-call dashboard from the metrics the code emits', () => {
    const body = JSON.parse(one('aws_cloudwatch_dashboard.this').values.dashboard_body as string) as { widgets: Array<{ properties: { title?: string; metrics?: unknown[] } }> };
    const titles = body.widgets.map((w) => w.properties.title).filter(Boolean);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Lambda Invocations (Sum)',
        'Lambda Errors (Sum)',
        'Lambda Throttles (Sum)',
        'Lambda Duration (p99)',
        'API 4xx / 5xx',
        'API latency (ms)',
        'Reviews completed / degraded / failed',
        'Bedrock latency (ms)',
        'Bedrock tokens',
        'Dead-letter queue depth',
        'Security events and integrity failures',
        'Webhook deliveries by source and outcome (HTTP status)',
      ]),
    );
    const text = JSON.stringify(body);
    // Metric names the functions really log (functions/ai-reviewer, packages/bedrock-service, packages/reviews).
    const sources = ['functions/ai-reviewer/src/handler.ts', 'packages/bedrock-service/src/reviewer.ts', 'packages/reviews/src/adapters/history-key.ts'].map((f) => readFileSync(join(repoRoot, f), 'utf8')).join('\n');
    for (const metric of ['ReviewsCompleted', 'ReviewsDegraded', 'BedrockLatency', 'BedrockInputTokens', 'BedrockOutputTokens', 'HistoryIntegrityFailures']) {
      expect(text).toContain(`"${metric}"`);
      expect(sources).toContain(metric);
    }
    const lambdaWidget = body.widgets.find((w) => w.properties.title === 'Lambda Invocations (Sum)');
    expect(lambdaWidget?.properties.metrics).toHaveLength(loadManifest().length);
  });

  it('should guard the edge: WAF on the API stage, reserved concurrency for the reviewer, API Gateway logging role, event archive, CORS on gateway answers', () => {
    const acl = one('aws_wafv2_web_acl.api[0]').values as { scope: string; rule: Array<{ name: string; statement: Array<Record<string, Array<Record<string, unknown>>>> }> };
    expect(acl.scope).toBe('REGIONAL');
    expect(acl.rule.map((r) => r.name).sort()).toEqual(['aws-common-rule-set', 'rate-limit-per-ip']);
    expect(acl.rule.find((r) => r.name === 'rate-limit-per-ip')?.statement[0]?.rate_based_statement?.[0]).toMatchObject({ limit: 2000, aggregate_key_type: 'IP' });
    expect(acl.rule.find((r) => r.name === 'aws-common-rule-set')?.statement[0]?.managed_rule_group_statement?.[0]).toMatchObject({ vendor_name: 'AWS', name: 'AWSManagedRulesCommonRuleSet' });
    expect(references('aws_wafv2_web_acl_association.api', 'resource_arn')).toContain('aws_api_gateway_stage.this.arn');
    for (const fn of loadManifest())
      expect(one(`module.lambda["${fn.name}"].aws_lambda_function.this`).values.reserved_concurrent_executions).toBe(fn.name === 'ai-reviewer' ? 10 : -1);
    expect(references('aws_api_gateway_account.this', 'cloudwatch_role_arn')).toContain('aws_iam_role.api_gateway_cloudwatch[0].arn');
    expect(references('aws_cloudwatch_event_archive.reviews', 'event_source_arn')).toContain('aws_cloudwatch_event_bus.this.arn');
    expect(one('aws_api_gateway_gateway_response.this["WAF_FILTERED"]').values.status_code).toBe('403');
    // Customer-managed keys for table, inputs bucket and secrets, each rotated.
    expect(references('aws_dynamodb_table.this', 'server_side_encryption', 0, 'kms_key_arn')).toContain('aws_kms_key.this["table"].arn');
    expect(references('aws_s3_bucket_server_side_encryption_configuration.inputs', 'rule', 0, 'apply_server_side_encryption_by_default', 0, 'kms_master_key_id')).toContain('aws_kms_key.this["inputs"].arn');
    for (const k of ['table', 'inputs', 'logs', 'secrets', 'evidence', 'alarms']) expect(one(`aws_kms_key.this["${k}"]`).values.enable_key_rotation).toBe(true);
  });

  it('should honour the operations variables: retention set, organisation trail, WAF off, an existing alarm topic, CORS origin', () => {
    const planFile = join(work, 'plan-vars.bin');
    const topic = 'arn:aws:sns:us-east-1:123456789012:ops-alarms';
    const vars = ['log_retention_days=90', 'cloudtrail_mode=organization', 'waf_enabled=false', `alarm_topic_arn=${topic}`, 'cors_allowed_origins=["https://dash.example.com"]'].flatMap((v) => ['-var', v]);
    const plan = terraform(['plan', '-refresh=false', '-lock=false', '-input=false', '-no-color', '-var', 'offline_checks=true', '-var', `artifacts_dir=${artifacts}`, ...vars, '-out', planFile], tfDir, env);
    expect(plan.stderr).toBe('');
    const show = terraform(['show', '-json', planFile], tfDir, env);
    const alt = allResources((JSON.parse(show.stdout) as PlanJson).planned_values.root_module);
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'functions', 'manifest.json'), 'utf8')) as { functions: Record<string, { logRetentionDays?: number }> };
    // The variable now wins over the manifest default (the bug: every log group kept 30 days).
    for (const [name, fn] of Object.entries(manifest.functions))
      expect(alt.find((r) => r.address === `module.lambda["${name}"].aws_cloudwatch_log_group.this`)?.values.retention_in_days).toBe(fn.logRetentionDays ?? 90);
    expect(alt.find((r) => r.address === 'aws_cloudwatch_log_group.evidence_delivery')?.values.retention_in_days).toBe(90);
    expect(alt.find((r) => r.address === 'aws_cloudwatch_log_group.api_access')?.values.retention_in_days).toBe(400);
    expect(alt.filter((r) => r.type === 'aws_cloudtrail')).toEqual([]);
    expect(alt.filter((r) => r.type.startsWith('aws_wafv2_'))).toEqual([]);
    expect(alt.filter((r) => r.type === 'aws_sns_topic')).toEqual([]);
    for (const alarm of alt.filter((r) => r.type === 'aws_cloudwatch_metric_alarm')) expect(alarm.values.alarm_actions).toEqual([topic]);
    const unauthorized = alt.find((r) => r.address === 'aws_api_gateway_gateway_response.this["API_KEY"]')?.values.response_parameters as Record<string, string>;
    expect(unauthorized['gatewayresponse.header.Access-Control-Allow-Origin']).toBe("'https://dash.example.com'");
    // The evidence bucket no longer lets CloudTrail write (no trail of ours).
    const altConfig = (JSON.parse(show.stdout) as PlanJson).configuration.root_module.resources?.find((r) => r.address === 'aws_cloudtrail.data_events');
    expect(altConfig).toBeDefined(); // declared, but count 0: nothing planned
    expect(JSON.parse(show.stdout).resource_changes.some((c: { address: string }) => c.address.startsWith('aws_cloudtrail.'))).toBe(false);
  }, 120000);

  it('should serve the web dashboard from a private bucket through CloudFront, with the API on the same origin and the local stack\'s headers', () => {
    const bucket = 'aws_s3_bucket_public_access_block.web_dashboard["this"]';
    expect(one(bucket).values).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(one('aws_cloudfront_origin_access_control.web_dashboard["this"]').values).toMatchObject({ origin_access_control_origin_type: 's3', signing_behavior: 'always' });
    const dist = one('aws_cloudfront_distribution.web_dashboard["this"]').values as {
      default_root_object: string;
      default_cache_behavior: Array<{ viewer_protocol_policy: string; allowed_methods: string[] }>;
      ordered_cache_behavior: Array<{ path_pattern: string; target_origin_id: string; allowed_methods: string[] }>;
      origin: Array<{ origin_id: string; custom_origin_config?: Array<{ origin_protocol_policy: string }> }>;
    };
    expect(dist.default_root_object).toBe('index.html');
    expect(dist.default_cache_behavior[0]?.viewer_protocol_policy).toBe('redirect-to-https');
    expect([...(dist.default_cache_behavior[0]?.allowed_methods ?? [])].sort()).toEqual(['GET', 'HEAD']);
    expect(dist.origin.find((o) => o.origin_id === 'api')?.custom_origin_config?.[0]?.origin_protocol_policy).toBe('https-only');
    // Every route the dashboard may call (all but the webhooks) reaches the API through the distribution.
    const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    for (const path of Object.keys(openApiDocument.paths).filter((p) => !p.startsWith('/webhook/'))) {
      const concrete = path.replace(/\{[^}]+\}/g, 'x1');
      const behavior = dist.ordered_cache_behavior.find((b) => glob(b.path_pattern).test(concrete));
      expect({ path, origin: behavior?.target_origin_id }).toEqual({ path, origin: 'api' });
      expect(behavior?.allowed_methods).toEqual(expect.arrayContaining(['GET', 'POST', 'OPTIONS']));
    }
    // Only this distribution reads the bucket (the policy names its ARN, known at apply).
    expect(references('aws_s3_bucket_policy.web_dashboard', 'policy')).toContain('aws_cloudfront_distribution.web_dashboard');
    // The same headers as the local stack sends with the dashboard.
    const headers = one('aws_cloudfront_response_headers_policy.web_dashboard["this"]').values.security_headers_config as Array<{ content_security_policy: Array<{ content_security_policy: string }>; frame_options: Array<{ frame_option: string }>; referrer_policy: Array<{ referrer_policy: string }> }>;
    expect(headers[0]?.content_security_policy[0]?.content_security_policy).toBe(DASHBOARD_SECURITY_HEADERS['content-security-policy']);
    expect(headers[0]?.frame_options[0]?.frame_option).toBe(DASHBOARD_SECURITY_HEADERS['x-frame-options']);
    expect(headers[0]?.referrer_policy[0]?.referrer_policy).toBe(DASHBOARD_SECURITY_HEADERS['referrer-policy']);
    // config.json points the app at its own origin; built files (when present) go up with a real content type.
    expect(JSON.parse(one('aws_s3_object.web_dashboard_config["this"]').values.content as string)).toEqual({ apiBaseUrl: '' });
    for (const file of ofType('aws_s3_object').filter((r) => r.address.startsWith('aws_s3_object.web_dashboard['))) {
      expect(file.values.content_type).not.toBe('application/octet-stream');
      expect(file.values.cache_control).toBe(String(file.values.key).startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    }
    expect(outputs.web_dashboard_url).toBeDefined();
  });

  it('should sign people in (issue 19): Cognito pool, PKCE app client and groups by default; every non-webhook route behind the authorizer and an API key', () => {
    expect(one('aws_cognito_user_pool.this["this"]').values).toMatchObject({ deletion_protection: 'ACTIVE', admin_create_user_config: [expect.objectContaining({ allow_admin_create_user_only: true })] });
    const client = one('aws_cognito_user_pool_client.dashboard["this"]').values;
    // No callback URL known by default (the CloudFront domain is only known after apply): no hosted flow until one is set.
    expect(client).toMatchObject({ generate_secret: false, allowed_oauth_flows_user_pool_client: false, explicit_auth_flows: expect.arrayContaining(['ALLOW_USER_SRP_AUTH']) });
    expect(ofType('aws_cognito_user_group').map((g) => g.values.name).sort()).toEqual(['iac-admins', 'iac-readers', 'iac-writers']);
    // Every operation that needs an API key takes the authorizer too (API key OR person); webhooks and preflight stay open.
    const security = outputs.api_operation_security?.value as Record<string, Record<string, unknown>>;
    for (const [path, item] of Object.entries(openApiDocument.paths)) {
      for (const [method, op] of Object.entries(item as Record<string, { security?: unknown[] }>)) {
        const expected = (op.security ?? []).length > 0 ? [{ ApiKeyOrPerson: [], ApiKey: [] }] : [];
        expect({ path, method, security: security[path]?.[method] }).toEqual({ path, method, security: expected });
      }
      expect(security[path]?.options).toEqual([]);
    }
    // The issuer and audience name the pool and client (ids known after apply).
    expect(references('aws_cognito_user_pool_client.dashboard', 'user_pool_id')).toContain('aws_cognito_user_pool.this');
    expect(one('aws_api_gateway_usage_plan.people["this"]')).toBeDefined();
    expect(one('aws_lambda_permission.authorizer["this"]').values.principal).toBe('apigateway.amazonaws.com');
    expect(one('aws_api_gateway_gateway_response.identity["UNAUTHORIZED"]').values.status_code).toBe('401');
    // The per-identity buckets: Get/UpdateItem on RATELIMIT# keys only, for the functions that check callers.
    const permissions = outputs.function_permissions?.value as Record<string, Record<string, string[]>>;
    const conditions = outputs.function_permission_conditions?.value as Record<string, Record<string, unknown>>;
    for (const name of ['api-handler', 'historical-analysis-handler']) {
      expect(permissions[name]?.RateLimitBuckets).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
      expect(conditions[name]?.RateLimitBuckets).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATELIMIT#*'] } });
    }
    // The authorizer reads nothing of ours: no table, bucket, bus or secret.
    for (const sid of ['Table', 'Inputs', 'Events', 'Secrets', 'RateLimitBuckets', 'ForgetDeliveries', 'Bedrock']) expect({ sid, granted: Boolean(permissions['request-authorizer']?.[sid]) }).toEqual({ sid, granted: false });
  });

  it('should take any OIDC provider by variables, and keep API keys alone with identity_provider = none', () => {
    const planWith = (name: string, vars: string[]) => {
      const planFile = join(work, `${name}.bin`);
      const plan = terraform(['plan', '-refresh=false', '-lock=false', '-input=false', '-no-color', '-var', 'offline_checks=true', '-var', `artifacts_dir=${artifacts}`, ...vars.flatMap((v) => ['-var', v]), '-out', planFile], tfDir, env);
      expect(plan.stderr).toBe('');
      const json = JSON.parse(terraform(['show', '-json', planFile], tfDir, env).stdout) as PlanJson;
      return { resources: allResources(json.planned_values.root_module), outputs: json.planned_values.outputs };
    };
    const cognito = planWith('plan-cognito-callback', ['identity_callback_urls=["https://dash.example.com/"]', 'cognito_domain_prefix=acme-iac-review']);
    expect(cognito.resources.find((r) => r.address === 'aws_cognito_user_pool_client.dashboard["this"]')?.values).toMatchObject({ allowed_oauth_flows: ['code'], allowed_oauth_flows_user_pool_client: true, callback_urls: ['https://dash.example.com/'], allowed_oauth_scopes: expect.arrayContaining(['openid']) });
    expect(cognito.resources.find((r) => r.address === 'aws_cognito_user_pool_domain.this["this"]')?.values.domain).toBe('acme-iac-review');
    // The dashboard signs people in at the hosted domain: its token endpoint is the one origin besides 'self' in connect-src.
    const cspOf = (plan: { resources: Array<{ address: string; values: Record<string, unknown> }> }) =>
      (plan.resources.find((r) => r.address === 'aws_cloudfront_response_headers_policy.web_dashboard["this"]')?.values.security_headers_config as Array<{ content_security_policy: Array<{ content_security_policy: string }> }>)[0]?.content_security_policy[0]?.content_security_policy;
    const cognitoOrigin = /connect-src 'self' (https:\/\/acme-iac-review\.auth\.[a-z0-9-]+\.amazoncognito\.com);/.exec(cspOf(cognito) ?? '')?.[1];
    expect(cognitoOrigin).toBeDefined();
    expect(cspOf(cognito)).toBe(DASHBOARD_SECURITY_HEADERS['content-security-policy']!.replace("connect-src 'self'", `connect-src 'self' ${cognitoOrigin}`));
    const oidc = planWith('plan-oidc', ['identity_provider=oidc', 'oidc_issuer=https://idp.example.com/realms/eng', 'oidc_audience=["iac-review"]', 'oidc_jwks_url=https://idp.example.com/realms/eng/certs', 'identity_group_repositories={"team-a":["acme/*"]}', 'oidc_authorization_endpoint=https://login.example.com/realms/eng/auth', 'oidc_token_endpoint=https://idp.example.com/realms/eng/token']);
    expect(oidc.resources.filter((r) => r.type.startsWith('aws_cognito_'))).toEqual([]);
    // Another provider: config.json names its endpoints and client; connect-src allows only the token endpoint's origin.
    expect(JSON.parse(oidc.resources.find((r) => r.address === 'aws_s3_object.web_dashboard_config["this"]')?.values.content as string)).toEqual({
      apiBaseUrl: '',
      signIn: { clientId: 'iac-review', authorizationEndpoint: 'https://login.example.com/realms/eng/auth', tokenEndpoint: 'https://idp.example.com/realms/eng/token', scope: 'openid email profile', providerName: 'single sign-on' },
    });
    expect(cspOf(oidc)).toBe(DASHBOARD_SECURITY_HEADERS['content-security-policy']!.replace("connect-src 'self'", "connect-src 'self' https://idp.example.com"));
    // Function environments are unknown at plan time (API key ids); the settings they are given are an output.
    const envOfOidc = oidc.outputs.identity_environment?.value as Record<string, string>;
    expect(envOfOidc).toMatchObject({ OIDC_ISSUER: 'https://idp.example.com/realms/eng', OIDC_AUDIENCE: 'iac-review', OIDC_GROUP_REPOSITORIES: '{"team-a":["acme/*"]}', RATE_LIMIT_BURST: '40', RATE_LIMIT_PER_SECOND: '10' });
    // Only the request authorizer verifies tokens: the JWKS URL and groups claim are its settings, not the functions'.
    expect(Object.keys(envOfOidc).filter((k) => k === 'OIDC_JWKS_URL' || k === 'OIDC_GROUPS_CLAIM')).toEqual([]);
    expect(oidc.outputs.identity_authorizer_environment?.value).toMatchObject({ OIDC_ISSUER: 'https://idp.example.com/realms/eng', OIDC_AUDIENCE: 'iac-review', OIDC_JWKS_URL: 'https://idp.example.com/realms/eng/certs', OIDC_GROUPS_CLAIM: 'groups' });
    expect(JSON.stringify(oidc.outputs.identity_authorizer_environment?.value)).not.toContain('PEOPLE_API_KEY');
    expect(JSON.parse(envOfOidc.OIDC_GROUP_SCOPES ?? '{}')).toEqual({ 'iac-admins': ['admin'], 'iac-readers': ['reviews:read', 'analytics:read'], 'iac-writers': ['reviews:read', 'reviews:write', 'analytics:read'] });
    expect(JSON.stringify(planJson?.configuration.root_module.module_calls?.lambda?.expressions?.environment ?? {})).toContain('local.identity_function_environment');
    const none = planWith('plan-no-identity', ['identity_provider=none']);
    expect(none.resources.filter((r) => r.type.startsWith('aws_cognito_') || r.address.includes('people'))).toEqual([]);
    expect(none.outputs.identity_environment?.value).toEqual({ RATE_LIMIT_BURST: '40', RATE_LIMIT_PER_SECOND: '10' });
    expect(none.outputs.identity?.value ?? null).toBeNull();
    const security = none.outputs.api_operation_security?.value as Record<string, Record<string, unknown>>;
    expect(security['/reviews']?.get).toEqual([{ ApiKey: [] }]);
    expect(security['/webhook/github']?.post).toEqual([]);
  }, 300000);

  it('should pass our own review: the offline plan of our deployment has no high or critical finding', async () => {
    const result = await reviewInput({ kind: 'plan', plan: planJson });
    const serious = result.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => `${f.severity} ${f.ruleId} ${f.resourceAddress}: ${f.message}`);
    console.info(`terraform: our own plan reviewed: ${result.summary}`);
    expect(serious).toEqual([]);
    expect(result.stats.resourceChanges).toBe(planJson?.resource_changes.length);
  });
});
