/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core) against a seeded
 * local stack: sign in, the list, a review with its findings, a decision that becomes a version in
 * the timeline, a 409 shown as "someone changed this", the trend chart, phone width. Screenshots go
 * to .test-results/screenshots/.
 */
import { startLocalStack, type LocalStack } from '@iac-review/scripts/src/local/stack';
import { seedReviews, seededDays, type SeedResult } from '@iac-review/scripts/src/demo/seed';
import { demoGithubPort } from '@iac-review/scripts/src/demo/github';
import { loadManifest, repoRoot } from '@iac-review/scripts/src/lib/repo';
import { lambdaContext } from '@iac-review/scripts/src/local/http-gateway';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from './support/chromium';
import { DEFAULT_READER_PASSWORD, DEFAULT_WRITER_PASSWORD } from '@iac-review/scripts/src/local/identity';

process.env.LOG_LEVEL = 'silent';
// The local stack's Spacelift webhook verifies with this (read when the stack loads the function).
const SPACELIFT_SECRET = 'browser-test-spacelift-secret';
process.env.SPACELIFT_WEBHOOK_SECRET = SPACELIFT_SECRET;
const GITHUB_SECRET = 'browser-test-github-secret';


const DIST = resolve(__dirname, '..', 'dist');
const SHOTS = resolve(__dirname, '..', '.test-results', 'screenshots');
/** Waits (up to 10 s) until `read` gives `want`, then asserts it (a failure shows the last value). */
const until = async <T>(read: () => Promise<T>, want: T): Promise<void> => {
  const deadline = Date.now() + 10_000;
  let got = await read();
  while (got !== want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    got = await read();
  }
  expect(got).toBe(want);
};

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const XSS_TITLE = '<img src=x onerror="window.__xss=1">Rename <b>bucket</b>';

describe('dashboard in Chromium against a seeded local stack', () => {
  let stack: LocalStack;
  let seeded: SeedResult;
  let seededAt: number;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const executablePath = ensureChromium();
    if (!existsSync(join(DIST, 'index.html'))) throw new Error(`${DIST}/index.html is missing: build the dashboard first (turbo runs its build before this test; by hand: npx vite build in packages/dashboard).`);
    mkdirSync(SHOTS, { recursive: true });
    const githubApiUrl = `http://127.0.0.1:${await demoGithubPort()}`;
    stack = await startLocalStack({
      port: 0,
      env: { SPACELIFT_WEBHOOK_SECRET: SPACELIFT_SECRET, GITHUB_WEBHOOK_SECRET: GITHUB_SECRET, GITHUB_API_URL: githubApiUrl },
      dashboardDir: DIST,
      onError: () => undefined,
    });
    seededAt = Date.now();
    seeded = await seedReviews({ baseUrl: stack.url, apiKey: stack.apiKeys.admin, spaceliftSecret: SPACELIFT_SECRET, githubSecret: GITHUB_SECRET, githubApiUrl, timeoutMs: 30_000 });
    expect(seeded.webhooks).toEqual([expect.objectContaining({ source: 'spacelift', sent: 4 }), expect.objectContaining({ source: 'github', sent: 4 })]);
    // A title written by an attacker: must show as text, never as markup.
    const xss = await fetch(`${stack.url}/reviews`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKeys.admin },
      body: JSON.stringify({ title: XSS_TITLE, repository: 'acme/web', files: [{ path: 'main.tf', content: 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n' }] }),
    });
    expect(xss.status).toBe(202);
    await stack.bus.idle();

    userDataDir = mkdtempSync(join(tmpdir(), 'iac-review-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS.filter((a) => a !== '--headless'),
      viewport: { width: 1280, height: 900 },
      timeout: 30_000,
    });
    context.setDefaultTimeout(10_000);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    // Expected 4xx answers (a 409, a route this server lacks) log "Failed to load resource"; anything else
    // logged as an error (a CSP violation, an exception) or any 5xx fails the last test.
    page.on('console', (m) => {
      if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) pageErrors.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 500) pageErrors.push(`${r.status()} from ${r.url()}`);
    });
  }, 240_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await stack?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it('signs in with the API key, kept in session storage and never in the URL', async () => {
    await page.goto(`${stack.url}/`);
    await page.getByLabel('API key').fill(stack.apiKeys.admin);
    await page.getByRole('button', { name: 'Use API key' }).click();
    await page.getByRole('heading', { name: 'Reviews', level: 1 }).waitFor();
    expect(page.url()).not.toContain(stack.apiKeys.admin);
    const stored = await page.evaluate(() => ({ session: JSON.stringify({ ...sessionStorage }), local: localStorage.length, cookie: document.cookie }));
    expect(stored.session).toContain(stack.apiKeys.admin);
    expect(stored.local).toBe(0);
    expect(stored.cookie).toBe('');
  });

  it('lists the seeded reviews with risk, confidence and source, and filters them', async () => {
    const rows = page.locator('.review-row');
    await until(() => rows.count(), seeded.reviews.length + 1);
    for (const r of seeded.reviews) await page.getByRole('link', { name: r.title }).waitFor();
    // The attacker's title is text: the literal markup is visible and nothing ran.
    await page.getByText(XSS_TITLE, { exact: true }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('.review-list img, .review-list b').count()).toBe(0);
    const row = (title: string) => page.locator('.review-row').filter({ has: page.getByRole('link', { name: title, exact: true }) });
    expect(await row('Decommission the legacy database').locator('.risk-critical').count()).toBe(1);
    expect(await row('Add the orders API table and its role').locator('.risk-low').count()).toBe(1);
    // The seed overrode this one from critical to high: the list shows the level people decided.
    expect(await row('Open the bastion and widen the deploy role').locator('.risk-high').count()).toBe(1);
    expect(await row('Public assets bucket and unencrypted queue').locator('.source-api').count()).toBe(1);
    expect(await page.locator('.review-row .source-spacelift').count()).toBe(2);
    expect(await page.locator('.review-row .source-github').count()).toBe(2);
    expect(await page.locator('.review-row .confidence').first().textContent()).toMatch(/\d+%/);
    await shot('reviews-list');

    await page.getByText(/^Filters/).click();
    await page.getByLabel('Risk').selectOption('low');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const low = (await (await fetch(`${stack.url}/reviews?riskLevel=low`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).json()) as { items: unknown[] };
    expect(low.items.length).toBeGreaterThan(0);
    expect(low.items.length).toBeLessThan(seeded.reviews.length + 1);
    await until(() => rows.count(), low.items.length);
    expect(page.url()).toContain('riskLevel=low');
    await page.getByRole('link', { name: 'Clear' }).click();
    await until(() => rows.count(), seeded.reviews.length + 1);
  });

  it('opens a pull request review (an id with colons) from the list', async () => {
    const pr = page.locator('.review-row').filter({ has: page.locator('.source-github') }).filter({ hasText: 'Bastion access for the on-call rotation' });
    await pr.locator('a.row-title').click();
    await page.getByRole('heading', { name: /^Findings \(\d+\)$/ }).waitFor();
    expect(decodeURIComponent(page.url())).toMatch(/#\/reviews\/github:acme:/);
    expect(await page.locator('.row-where .source-github').count()).toBe(1);
    // GET /analytics/history for the same repository: the API review of the same Terraform came first.
    await page.getByRole('heading', { name: 'acme/network, last 30 days' }).waitFor();
    expect(await page.locator('.context').textContent()).toMatch(/[2-9]\d* reviews in the last 30 days/);
    expect(await page.locator('.context .hotspots li').count()).toBeGreaterThan(0);
    await page.locator('.context').screenshot({ path: join(SHOTS, 'repository-context.png') });
    await page.getByRole('link', { name: '← All reviews' }).click();
    await page.locator('.review-row').first().waitFor();
  });

  it('opens a review with its summary, explained score and findings grouped by severity', async () => {
    const target = seeded.reviews.find((r) => r.title === 'Decommission the legacy database');
    expect(target?.findings).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Decommission the legacy database' }).click();
    await page.getByRole('heading', { name: `Findings (${target?.findings})` }).waitFor();
    await page.getByRole('heading', { name: 'Why this score' }).waitFor();
    expect(await page.locator('.contrib tbody tr').count()).toBeGreaterThan(0);
    const groups = await page.locator('.sev-group').evaluateAll((els) => els.map((e) => e.className.replace('sev-group ', '')));
    const order = ['group-critical', 'group-high', 'group-medium', 'group-low', 'group-info'];
    expect(groups.length).toBeGreaterThan(0);
    expect([...groups].sort((a, b) => order.indexOf(a) - order.indexOf(b))).toEqual(groups);
    expect(await page.locator('.finding .fix').count()).toBe(target?.findings);
    await shot('review');
  });

  it('records a decision as a new version that appears in the timeline', async () => {
    // How many versions there are now, from the API (the page's timeline may still be loading).
    const reviewId = decodeURIComponent(/#\/reviews\/([^?]+)/.exec(page.url())?.[1] ?? '');
    const listed = (await (await fetch(`${stack.url}/reviews/${encodeURIComponent(reviewId)}/versions`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).json()) as { items: unknown[] };
    const before = listed.items.length;
    expect(before).toBeGreaterThan(1);
    await until(() => page.locator('.tl-item').count(), before);
    await page.getByLabel('Acknowledge the review').check();
    await page.getByLabel('Comment (why; kept in the history)').fill('Planned decommission, approved in CHG-1234.');
    await page.getByRole('button', { name: 'Save decision' }).click();
    await page.getByText(/Saved as version \d+/).waitFor();
    await until(() => page.locator('.tl-item').count(), before + 1);
    const newest = page.locator('.tl-item').first();
    expect(await newest.textContent()).toContain('acknowledged');
    expect(await newest.textContent()).toContain('Planned decommission, approved in CHG-1234.');
    await page.locator('.badge.ack').waitFor();
    // GET /reviews/{id}/verify walked the keyed hash chain: every version is shown as verified.
    await page.getByText('Integrity check: every version verified').waitFor();
    await until(() => page.locator('.tl-item .badge.verified').count(), before + 1);
  });

  it('shows a 409 as "someone changed this — reload", and the reload shows their change', async () => {
    const id = decodeURIComponent(/#\/reviews\/([^?]+)/.exec(page.url())?.[1] ?? '');
    const current = await fetch(`${stack.url}/reviews/${id}`, { headers: { 'x-api-key': stack.apiKeys.admin } });
    // Someone else changes the review while the page is open.
    const theirs = await fetch(`${stack.url}/reviews/${id}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKeys.admin, 'if-match': current.headers.get('etag') ?? '' },
      body: JSON.stringify({ action: 'override-risk', riskLevel: 'high', comment: 'Changed by a colleague' }),
    });
    expect(theirs.status).toBe(201);
    await page.getByRole('button', { name: /^Dismiss finding/ }).first().click();
    await page.getByLabel(/^Why dismiss/).fill('False positive');
    await page.getByRole('button', { name: 'Dismiss finding', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Someone changed this review since you loaded it — reload' }).waitFor();
    await shot('conflict');
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.getByText('Changed by a colleague').first().waitFor();
    // The reloaded timeline starts with their version.
    await page.locator('.tl-item').first().filter({ hasText: 'risk overridden to high' }).waitFor();
  });

  it('draws the trend charts and the top rules', async () => {
    await page.getByRole('link', { name: 'Trends' }).click();
    await page.getByRole('heading', { name: /Reviews per day by risk level/ }).waitFor();
    const canvas = page.locator('.chart[data-chart="bars"] canvas');
    await canvas.waitFor();
    // The chart drew something: some pixels of the plot are not transparent.
    const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0) return 0;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(100);
    expect(await page.locator('#rules-h + table tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByText(/reviews per day by risk level \(\d+\)/i).textContent()).toContain(`(${seeded.reviews.length + 1})`);
    // No rollup has run yet: the page computed the figures itself, and says so.
    expect(await page.locator('.basis').textContent()).toContain('Computed in this browser (the nightly rollups hold no reviews');

    // Roll up the seeded days (today, and yesterday if seeding ran across midnight UTC), as the nightly
    // schedule (or npm run demo) does: the page then shows the rollups.
    const spec = loadManifest().find((f) => f.name === 'trend-aggregation-handler');
    expect(spec).toBeDefined();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(join(repoRoot, spec?.entry ?? '')) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
    for (const day of seededDays(seededAt)) await handler({ day }, lambdaContext({ name: 'trend-aggregation-handler', timeoutSeconds: 60, memoryMb: 512 }));
    await page.reload();
    await page.locator('.basis').filter({ hasText: 'From the rollups (GET /analytics/trends' }).waitFor();
    await page.locator('.chart[data-chart="bars"] canvas').waitFor();
    expect(await page.getByText(/reviews per day by risk level \(\d+\)/i).textContent()).toContain(`(${seeded.reviews.length + 1})`);
    expect(await page.locator('#rules-h + table tbody tr').count()).toBeGreaterThan(0);
    await shot('trends');
  });

  it('fits a phone screen without horizontal scrolling, and every control has a label', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.url}/#/`);
    await page.locator('.review-row').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('phone-list');
    await page.locator('.review-row a').first().click();
    await page.getByRole('heading', { name: /^Findings \(\d+\)$/ }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label'))
        .map((el) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
  });

  it('has no serious or critical accessibility violations (axe-core) on the list, a review and the trends', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const problems: string[] = [];
    const audit = async (where: string) => {
      // Evaluated through the debugging protocol, so the page's CSP (no inline script) stays as it is.
      await page.evaluate(AXE_SOURCE);
      const found = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
      });
      problems.push(...found.map((f) => `${where}: ${f}`));
    };
    await page.goto(`${stack.url}/#/`);
    await page.locator('.review-row').first().waitFor();
    await page.getByText(/^Filters/).click();
    await audit('list');
    await page.getByRole('link', { name: 'Decommission the legacy database' }).click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await page.locator('.tl-item').first().waitFor();
    await audit('review');
    await page.getByRole('link', { name: 'Trends' }).click();
    await page.locator('.chart[data-chart="bars"] canvas').waitFor();
    await audit('trends');
    expect(problems).toEqual([]);
  });

  it('shows the API\'s problem+json: a wrong key at sign-in, a read-only key trying to decide', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${stack.url}/#/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Use API key' }).click();
    const refused = page.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/\(401\).*API key is not valid.*Check the API key/);

    await page.getByLabel('API key').fill(stack.apiKeys.readonly);
    await page.getByRole('button', { name: 'Use API key' }).click();
    await page.locator('.review-row a.row-title').first().click();
    await page.getByLabel('Comment (why; kept in the history)').fill('trying without the scope');
    await page.getByRole('button', { name: 'Save decision' }).click();
    const forbidden = page.getByRole('alert').filter({ hasText: '(403)' });
    await forbidden.waitFor();
    expect(await forbidden.textContent()).toMatch(/reviews:write/);
    await shot('forbidden');
  });

  /** Signs a person in through the local issuer's form (served by the stack at /oidc/authorize). */
  const signInAs = async (username: string, password: string) => {
    await page.goto(`${stack.url}/#/`);
    if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with the local issuer' }).click();
    await page.waitForURL(/\/oidc\/authorize\?/);
    const authorizeUrl = new URL(page.url());
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    return authorizeUrl;
  };

  it('signs a person in with Authorization Code + PKCE through the local issuer; the code never stays in the URL', async () => {
    // A wrong password stays on the issuer's form with its message.
    const authorize = await signInAs('writer', 'not-the-password');
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'iac-review-local',
      redirect_uri: `${stack.url}/`,
      scope: 'openid email profile',
      state: expect.stringMatching(/^[\w-]{20,}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: 'S256',
    });
    await page.getByRole('alert').filter({ hasText: 'Unknown username or wrong password.' }).waitFor();
    expect(page.url()).toContain('/oidc/authorize');

    await signInAs('writer', DEFAULT_WRITER_PASSWORD);
    await page.getByRole('heading', { name: 'Reviews', level: 1 }).waitFor();
    expect(await page.getByTestId('who').textContent()).toMatch(/Signed in as writer \(iac-writers\)/);
    await page.locator('.review-row').first().waitFor();
    // The redirect's ?code&state were removed from the address bar; the verifier is gone; the token is in this tab only.
    expect(new URL(page.url()).search).toBe('');
    const stored = await page.evaluate(() => ({ session: { ...sessionStorage }, local: localStorage.length, cookie: document.cookie }));
    expect(Object.keys(stored.session)).toEqual(['iac-review.credentials']);
    const creds = JSON.parse(stored.session['iac-review.credentials'] ?? '{}') as { apiKey?: string; bearer?: { token: string; person: { name: string } } };
    expect(creds.apiKey).toBeUndefined();
    expect(creds.bearer?.person.name).toBe('writer');
    expect(creds.bearer?.token.split('.')).toHaveLength(3);
    expect(stored.local).toBe(0);
    expect(stored.cookie).toBe('');
    // An answer this tab did not ask for (no pending state) is refused, taken out of the URL, and changes nothing.
    await page.goto(`${stack.url}/?code=forged&state=forged#/`);
    await page.getByRole('alert').filter({ hasText: 'was not started in this tab' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(await page.getByTestId('who').textContent()).toMatch(/Signed in as writer/);
  });

  it('records a person\'s decision with the person as the actor of the stored version', async () => {
    await signInAs('writer', DEFAULT_WRITER_PASSWORD);
    await page.locator('.review-row a.row-title').first().click();
    const id = decodeURIComponent(/#\/reviews\/([^?]+)/.exec(page.url())?.[1] ?? '');
    // Let the page finish loading (the timeline renders last and re-renders the form) before deciding.
    const listed = (await (await fetch(`${stack.url}/reviews/${encodeURIComponent(id)}/versions`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).json()) as { items: unknown[] };
    await until(() => page.locator('.tl-item').count(), listed.items.length);
    await page.getByLabel('Acknowledge the review').check();
    await page.getByLabel('Comment (why; kept in the history)').fill('Signed in as a person, reviewed with the team.');
    await page.getByRole('button', { name: 'Save decision' }).click();
    await page.getByText(/Saved as version \d+/).waitFor();
    // The stored version (read with a machine key) names the person, and so does the timeline.
    const latest = (await (await fetch(`${stack.url}/reviews/${encodeURIComponent(id)}`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).json()) as { actor?: string };
    expect(latest.actor).toMatch(/^user:writer sub=00000000-0000-4000-8000-00000000000b/);
    await page.locator('.tl-item').first().locator('.actor').filter({ hasText: /^user:writer / }).waitFor();
    await shot('signed-in-person');
  });

  it('shows a reader the 403 on a decision, and sends an expired or refused token back to sign-in', async () => {
    await signInAs('reader', DEFAULT_READER_PASSWORD);
    expect(await page.getByTestId('who').textContent()).toMatch(/Signed in as reader \(iac-readers\)/);
    await page.locator('.review-row a.row-title').first().click();
    const rid = decodeURIComponent(/#\/reviews\/([^?]+)/.exec(page.url())?.[1] ?? '');
    const versions = (await (await fetch(`${stack.url}/reviews/${encodeURIComponent(rid)}/versions`, { headers: { 'x-api-key': stack.apiKeys.readonly } })).json()) as { items: unknown[] };
    await until(() => page.locator('.tl-item').count(), versions.items.length);
    await page.getByLabel('Comment (why; kept in the history)').fill('a reader trying to decide');
    await page.getByRole('button', { name: 'Save decision' }).click();
    const forbidden = page.getByRole('alert').filter({ hasText: '(403)' });
    await forbidden.waitFor();
    expect(await forbidden.textContent()).toMatch(/reviews:write/);

    // The API refuses the token (here: tampered, as an expired one would be): 401 → back to sign-in, saying why.
    await page.evaluate(() => {
      const c = JSON.parse(sessionStorage.getItem('iac-review.credentials') ?? '{}') as { bearer: { token: string } };
      c.bearer.token = `${c.bearer.token}x`;
      sessionStorage.setItem('iac-review.credentials', JSON.stringify(c));
    });
    await page.goto(`${stack.url}/#/`);
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'Your sign-in has expired or is no longer accepted' }).waitFor();
    await page.getByRole('button', { name: 'Sign in with the local issuer' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('iac-review.credentials'))).toBeNull();

    // Past its expiry the dashboard does not even send it.
    await signInAs('reader', DEFAULT_READER_PASSWORD);
    await page.locator('.review-row').first().waitFor();
    await page.evaluate(() => {
      const c = JSON.parse(sessionStorage.getItem('iac-review.credentials') ?? '{}') as { bearer: { expiresAt: number } };
      c.bearer.expiresAt = Date.now() - 1000;
      sessionStorage.setItem('iac-review.credentials', JSON.stringify(c));
    });
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'Your sign-in has expired' }).waitFor();
    // Signed in again for the last test.
    await signInAs('reader', DEFAULT_READER_PASSWORD);
    await page.locator('.review-row').first().waitFor();
  });

  it('is usable from the keyboard, also under /dashboard/, and logged no errors (CSP included)', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${stack.url}/#/`);
    await page.locator('.review-row').first().waitFor();
    // Tab from the top reaches a review link; Enter opens it.
    let focused = '';
    for (let i = 0; i < 20 && !focused.startsWith('#/reviews/'); i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('href') ?? '');
    }
    expect(focused).toMatch(/^#\/reviews\//);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'History' }).waitFor();
    // The same files under /dashboard/ (relative asset URLs), still signed in (same origin, same tab).
    await page.goto(`${stack.url}/dashboard/#/trends`);
    await page.getByRole('heading', { name: 'Trends', level: 1 }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
