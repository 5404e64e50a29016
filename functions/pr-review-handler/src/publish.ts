import type { Logger } from '@iac-review/logger';
import { checkConclusion, inlineMarker, renderComment, shownVersion, STICKY_MARKER, type CommentInput, type FailOn } from './comment';
import { fetchFile, isTerraformPath, listPullRequestFiles, type PullRequestCoordinates } from './gather';
import type { GitHubClient } from './github-client';
import { inlineComments } from './inline';

export const CHECK_NAME = 'iac-review';

export interface PublishRequest extends CommentInput {
  pr: PullRequestCoordinates;
  failOn: FailOn;
  /** A push without Terraform changes: an existing sticky comment is edited, none is created; the check passes. */
  noTerraformChanges?: boolean;
}

export interface PublishResult {
  comment: { id?: number; action: 'created' | 'updated' | 'kept-newer' | 'none' };
  check: { kind: 'check-run' | 'status'; action: 'created' | 'updated'; conclusion: string };
  inline: { posted: number; action: 'posted' | 'already-posted' | 'none' | 'rejected' };
}

interface IssueComment {
  id: number;
  body?: string;
}

const statusOf = (err: unknown): number | undefined => (err as { status?: number }).status;

/**
 * Publishes a completed review to its pull request. Idempotent: the sticky comment is found by its
 * hidden marker and edited in place (never a second one; an older version never overwrites a newer
 * one), the check run for the head SHA is updated rather than duplicated, and the inline review for a
 * head SHA is posted once. Errors propagate, so the event is redelivered; the review is already stored.
 */
export const publishReview = async (gh: GitHubClient, req: PublishRequest, log: Logger): Promise<PublishResult> => {
  const { pr } = req;
  const r = req.content.result;
  const body = renderComment(req);

  // 1. The sticky comment.
  const findSticky = async (): Promise<IssueComment[]> =>
    ((await gh.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: pr.owner, repo: pr.repo, issue_number: pr.pullRequest, per_page: 100 })) as IssueComment[])
      .filter((c) => (c.body ?? '').includes(STICKY_MARKER))
      .sort((a, b) => a.id - b.id);
  let comment: PublishResult['comment'];
  const existing = await findSticky();
  const keep = existing[0];
  if (keep) {
    const shown = shownVersion(keep.body ?? '');
    if (shown !== undefined && shown > req.version) {
      comment = { id: keep.id, action: 'kept-newer' };
      log.info('sticky comment already shows a newer review version; left as is', { commentId: keep.id, shownVersion: shown, version: req.version });
    } else {
      await gh.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: pr.owner, repo: pr.repo, comment_id: keep.id, body });
      comment = { id: keep.id, action: 'updated' };
    }
  } else if (req.noTerraformChanges) {
    comment = { action: 'none' };
  } else {
    const created = await gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: pr.owner, repo: pr.repo, issue_number: pr.pullRequest, body });
    comment = { id: Number(created.data.id), action: 'created' };
    // Two publishers racing on a PR's first review may both have created one: keep the oldest.
    const all = await findSticky();
    const oldest = all[0];
    if (oldest && all.length > 1) {
      for (const extra of all.slice(1)) await gh.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: pr.owner, repo: pr.repo, comment_id: extra.id });
      if (oldest.id !== Number(created.data.id)) {
        await gh.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: pr.owner, repo: pr.repo, comment_id: oldest.id, body });
        comment = { id: oldest.id, action: 'updated' };
      }
    }
  }

  // 2. The check run (or a commit status when the credentials cannot create check runs: only Apps can).
  const risk = req.content.riskOverride?.riskLevel ?? r?.riskLevel;
  const failed = req.content.status === 'failed';
  // A review that could not be done neither passes nor blocks: neutral, with the reason.
  const conclusion = failed ? 'neutral' : req.noTerraformChanges ? 'success' : checkConclusion(risk, req.failOn);
  const title = failed
    ? `Could not be reviewed: ${(req.content.failure?.reason ?? 'unknown reason').slice(0, 200)}`
    : req.noTerraformChanges
      ? 'No Terraform changes in this push'
      : r
        ? `${risk} risk (score ${r.riskScore}), ${r.findings.length} finding(s)`
        : 'no result';
  const summary = `${title}. Fails at: ${req.failOn}.${req.reviewUrl ? ` Review: ${req.reviewUrl}` : ''}`;
  let check: PublishResult['check'];
  try {
    const runs = await gh.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner: pr.owner, repo: pr.repo, ref: pr.headSha, check_name: CHECK_NAME, per_page: 100 });
    const run = runs.data.check_runs.find((c) => c.name === CHECK_NAME);
    const output = { title, summary, text: body.slice(0, 65_000) };
    if (run) {
      await gh.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { owner: pr.owner, repo: pr.repo, check_run_id: run.id, status: 'completed', conclusion, output, ...(req.reviewUrl ? { details_url: req.reviewUrl } : {}) });
      check = { kind: 'check-run', action: 'updated', conclusion };
    } else {
      await gh.request('POST /repos/{owner}/{repo}/check-runs', { owner: pr.owner, repo: pr.repo, name: CHECK_NAME, head_sha: pr.headSha, status: 'completed', conclusion, output, ...(req.reviewUrl ? { details_url: req.reviewUrl } : {}) });
      check = { kind: 'check-run', action: 'created', conclusion };
    }
  } catch (err) {
    if (statusOf(err) !== 403) throw err;
    // A personal or Actions token cannot write check runs: a commit status with the same name instead.
    log.warn('check runs need a GitHub App; writing a commit status named iac-review instead', { repository: `${pr.owner}/${pr.repo}` });
    const state = conclusion === 'failure' ? 'failure' : conclusion === 'neutral' ? 'error' : 'success';
    await gh.request('POST /repos/{owner}/{repo}/statuses/{sha}', { owner: pr.owner, repo: pr.repo, sha: pr.headSha, state, context: CHECK_NAME, description: title.slice(0, 140), ...(req.reviewUrl ? { target_url: req.reviewUrl } : {}) });
    check = { kind: 'status', action: 'created', conclusion: state };
  }

  // 3. Inline review comments: high/critical findings on changed lines, once per head SHA.
  let inline: PublishResult['inline'] = { posted: 0, action: 'none' };
  const serious = (r?.findings ?? []).filter((f) => f.severity === 'high' || f.severity === 'critical');
  if (serious.length > 0) {
    const marker = inlineMarker(pr.headSha);
    const reviews = (await gh.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { owner: pr.owner, repo: pr.repo, pull_number: pr.pullRequest, per_page: 100 })) as Array<{ body?: string | null }>;
    if (reviews.some((rv) => (rv.body ?? '').includes(marker))) {
      inline = { posted: 0, action: 'already-posted' };
    } else {
      const { files } = await listPullRequestFiles(gh, pr);
      const candidates = files.filter((f) => f.status !== 'removed' && f.patch && isTerraformPath(f.filename)).slice(0, 50);
      const sources = [];
      for (const f of candidates) {
        const content = await fetchFile(gh, pr, f.filename);
        if (content !== undefined) sources.push({ path: f.filename, patch: f.patch!, content });
      }
      const comments = inlineComments(serious, sources, new Set(req.content.dismissedFindings));
      if (comments.length > 0) {
        try {
          await gh.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
            owner: pr.owner,
            repo: pr.repo,
            pull_number: pr.pullRequest,
            commit_id: pr.headSha,
            event: 'COMMENT',
            body: `${marker}\nIaC Review: ${comments.length} high/critical finding(s) on changed lines. The summary is in the IaC Review comment.`,
            comments,
          });
          inline = { posted: comments.length, action: 'posted' };
        } catch (err) {
          // 422: GitHub does not accept a line (e.g. the diff moved on); the sticky comment has every finding.
          if (statusOf(err) !== 422) throw err;
          log.warn('GitHub rejected the inline review comments; findings remain in the sticky comment', { error: err });
          inline = { posted: 0, action: 'rejected' };
        }
      }
    }
  }
  return { comment, check, inline };
};
