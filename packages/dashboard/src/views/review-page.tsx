import { useState } from 'preact/hooks';
import { ApiError, RISK_LEVELS, SEVERITIES, type ApiClient, type FeedbackRequest, type Finding, type Problem, type ReviewVersion, type RiskLevel } from '../api';
import { ConfidenceBadge, ErrorBox, Loading, RiskBadge, StatusBadge, toProblem, useAsync } from '../components';
import { formatPoints, formatTime } from '../format';
import { SourceIcon } from '../icons';
import { RepositoryContext } from './context';
import { Timeline } from './timeline';

/** A finding's id as the feedback API wants it: `<ruleId>@<resourceAddress>`. */
export const findingKey = (f: Pick<Finding, 'id' | 'ruleId' | 'resourceAddress'>): string => f.id ?? `${f.ruleId}@${f.resourceAddress}`;

type Submit = (req: FeedbackRequest) => Promise<boolean>;

export const ReviewPage = ({ api, id }: { api: ApiClient; id: string }) => {
  const [loaded, reload] = useAsync(() => api.getReview(id), [api, id]);
  const [conflict, setConflict] = useState(false);
  const [actionProblem, setActionProblem] = useState<Problem | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [timelineTick, setTimelineTick] = useState(0);

  if (loaded.state === 'loading') return <Loading what="the review" />;
  if (loaded.state === 'error')
    return (
      <>
        <p>
          <a href="#/">← All reviews</a>
        </p>
        <ErrorBox problem={loaded.problem} onRetry={reload} />
      </>
    );
  const { review: v, etag } = loaded.data;

  const submit: Submit = async (req) => {
    setActionProblem(undefined);
    setNotice(undefined);
    try {
      const created = await api.postFeedback(id, req, etag);
      setNotice(`Saved as version ${created.version}.`);
      setConflict(false);
      reload();
      setTimelineTick((t) => t + 1);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && !/integrity/i.test(err.problem.type ?? '')) setConflict(true);
      else setActionProblem(toProblem(err));
      return false;
    }
  };
  const reloadAll = () => {
    setConflict(false);
    setActionProblem(undefined);
    reload();
    setTimelineTick((t) => t + 1);
  };

  const c = v.review;
  const result = c.result;
  const level = c.riskOverride?.riskLevel ?? result?.riskLevel;
  return (
    <article class="review" aria-labelledby="review-h">
      <p>
        <a href="#/">← All reviews</a>
      </p>
      <header class="review-head">
        <h1 id="review-h">{c.title || v.id}</h1>
        <p class="row-where muted">
          <SourceIcon source={c.source} />
          {c.repository ? <span>{c.repository}</span> : null}
          {c.stack ? <span>stack {c.stack}</span> : null}
          {c.ref ? <span>ref {c.ref}</span> : null}
          {c.external
            ? Object.entries(c.external).map(([k, val]) => (
                <span>
                  {k} {val}
                </span>
              ))
            : null}
        </p>
        <p class="row-badges">
          <RiskBadge level={level} score={result?.riskScore} overridden={Boolean(c.riskOverride)} />
          <ConfidenceBadge confidence={result?.confidence} />
          <StatusBadge status={c.status} />
          {c.acknowledged ? <span class="badge ack">acknowledged</span> : null}
          <span class="muted">
            version {v.version} · {formatTime(v.createdAt)}
          </span>
        </p>
      </header>

      <div aria-live="polite" class="live">
        {notice ? <p class="notice">{notice}</p> : null}
      </div>
      {conflict ? (
        <div class="error conflict" role="alert">
          <p>
            <strong>Someone changed this review since you loaded it — reload</strong> to see their change, then decide again. Nothing of yours was saved.
          </p>
          <button type="button" onClick={reloadAll}>
            Reload
          </button>
        </div>
      ) : null}
      {actionProblem ? <ErrorBox problem={actionProblem} /> : null}

      {c.status === 'pending' ? (
        <p class="notice">
          This review is still running.{' '}
          <button type="button" class="link" onClick={reloadAll}>
            Refresh
          </button>
        </p>
      ) : null}
      {c.failure ? <p class="error">Review failed: {c.failure.reason}</p> : null}
      {c.riskOverride ? (
        <p class="notice">
          Risk set to <strong>{c.riskOverride.riskLevel}</strong> by {c.riskOverride.actor} (computed: {result?.riskLevel ?? 'none'}): “{c.riskOverride.comment}”
        </p>
      ) : null}

      {result ? (
        <>
          <section aria-labelledby="summary-h">
            <h2 id="summary-h">Summary</h2>
            <p class="prose">{result.summary}</p>
            {result.reviewer ? (
              <p class="muted">
                Reviewer: {result.reviewer.mode ?? 'unknown'}
                {result.reviewer.modelId ? ` (${result.reviewer.modelId})` : ''}
                {result.reviewer.degradedReason ? ` — LLM not used: ${result.reviewer.degradedReason}` : ''}
              </p>
            ) : null}
          </section>
          <Contributions result={result} />
          <Findings findings={result.findings} dismissed={new Set(c.dismissedFindings ?? [])} submit={submit} />
        </>
      ) : null}

      <RepositoryContext api={api} {...(c.repository ? { repository: c.repository } : c.stack ? { stack: c.stack } : {})} />
      <Actions submit={submit} currentLevel={level} acknowledged={Boolean(c.acknowledged)} />
      <Timeline key={`${id}:${timelineTick}`} api={api} id={id} />
    </article>
  );
};

const Contributions = ({ result }: { result: NonNullable<ReviewVersion['review']['result']> }) => {
  const factors = result.stats?.confidenceFactors ?? [];
  return (
    <section aria-labelledby="score-h">
      <h2 id="score-h">Why this score</h2>
      <p class="muted">
        Risk {Math.round(result.riskScore)}/100 ({result.riskLevel}). Each finding, the kinds of change and how many resources change add points; the total
        saturates towards 100 (100 × (1 − e<sup>−points/60</sup>)), and a severe finding sets a minimum.
      </p>
      {result.contributions.length === 0 ? (
        <p>Nothing added to the score.</p>
      ) : (
        <table class="contrib">
          <caption class="visually-hidden">Score contributions, largest first</caption>
          <thead>
            <tr>
              <th scope="col">Points</th>
              <th scope="col">What</th>
              <th scope="col">Resource</th>
            </tr>
          </thead>
          <tbody>
            {result.contributions.map((k) => (
              <tr>
                <td class="num">{formatPoints(k.points)}</td>
                <td>
                  <span class="muted">{k.kind}</span> {k.detail}
                </td>
                <td class="mono">{k.resourceAddress ?? (k.count && k.count > 1 ? `${k.count} findings` : '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {factors.length ? (
        <>
          <h3>Confidence {Math.round(result.confidence * 100)}%</h3>
          <ul class="factors">
            {factors.map((f) => (
              <li>
                <span class="num">×{f.factor.toFixed(2)}</span> {f.name}: {f.detail}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
};

const Findings = ({ findings: all, dismissed, submit }: { findings: Finding[]; dismissed: Set<string>; submit: Submit }) => {
  // Suppressed findings (accepted risks) are listed apart, after the others.
  const findings = all.filter((f) => !f.suppressed);
  const suppressed = all.filter((f) => f.suppressed);
  return (
    <section aria-labelledby="findings-h">
      <h2 id="findings-h">Findings ({findings.length})</h2>
      {findings.length === 0 ? <p>No findings.</p> : null}
      {SEVERITIES.map((sev) => {
        const group = findings.filter((f) => f.severity === sev);
        if (group.length === 0) return null;
        return (
          <details class={`sev-group group-${sev}`} open={sev === 'critical' || sev === 'high' || findings.length <= 10}>
            <summary>
              <h3 id={`sev-${sev}`}>
                <span class={`badge sev sev-${sev}`}>{sev}</span> {group.length} finding{group.length === 1 ? '' : 's'}
              </h3>
            </summary>
            <ul class="findings" aria-labelledby={`sev-${sev}`}>
              {group.map((f) => (
                <FindingItem f={f} dismissed={f.dismissed ?? dismissed.has(findingKey(f))} submit={submit} />
              ))}
            </ul>
          </details>
        );
      })}
      {suppressed.length > 0 ? (
        <details class="sev-group group-suppressed">
          <summary>
            <h3 id="sev-suppressed">
              Suppressed: {suppressed.length} accepted risk{suppressed.length === 1 ? '' : 's'}, not counted in the score
            </h3>
          </summary>
          <ul class="findings" aria-labelledby="sev-suppressed">
            {suppressed.map((f) => (
              <FindingItem f={f} dismissed={f.dismissed ?? dismissed.has(findingKey(f))} submit={submit} />
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
};

const FindingItem = ({ f, dismissed, submit }: { f: Finding; dismissed: boolean; submit: Submit }) => {
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const key = findingKey(f);
  const inputId = `dismiss-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <li class={`finding${dismissed ? ' dismissed' : ''}`}>
      <p class="finding-head">
        <span class="mono">{f.ruleId}</span> <span class="badge cat">{f.category}</span> {f.source === 'llm' ? <span class="badge llm">LLM</span> : null}
        {dismissed ? <span class="badge dismissed-badge">dismissed</span> : null}
        {f.suppressed ? <span class="badge">suppressed</span> : null}
      </p>
      {f.suppressed ? (
        <p class="muted">
          Accepted: {f.suppressed.reason}
          {f.suppressed.until ? `, until ${f.suppressed.until}` : ''}
          {f.suppressed.by ? `, by ${f.suppressed.by}` : ''}
          {f.suppressed.location ? ` (${f.suppressed.location})` : ''}
        </p>
      ) : null}
      {f.title ? <p class="finding-title">{f.title}</p> : null}
      <p class="mono resource">{f.resourceAddress}</p>
      <p class="prose">{f.message}</p>
      {f.remediation ? (
        <p class="prose fix">
          <strong>Fix: </strong>
          {f.remediation}
        </p>
      ) : null}
      {f.references?.length ? (
        <p class="muted">
          References: {f.references.map((r, i) => (
            <span>
              {i ? ', ' : ''}
              <span class="mono">{r}</span>
            </span>
          ))}
        </p>
      ) : null}
      {!dismissed && !open ? (
        <button type="button" class="secondary" onClick={() => setOpen(true)} aria-label={`Dismiss finding ${f.ruleId} on ${f.resourceAddress}`}>
          Dismiss…
        </button>
      ) : null}
      {open ? (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            void submit({ action: 'dismiss-finding', findingId: key, comment: comment.trim() }).then((ok) => {
              setBusy(false);
              if (ok) setOpen(false);
            });
          }}
        >
          <label for={inputId}>Why dismiss {f.ruleId}? (kept in the history)</label>
          <textarea id={inputId} required maxLength={2000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
          <div class="form-actions">
            <button type="submit" disabled={busy || !comment.trim()}>
              Dismiss finding
            </button>
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </li>
  );
};

const ACTION_LABEL = { acknowledge: 'Acknowledge the review', 'override-risk': 'Override the risk level', reopen: 'Reopen (undo acknowledge and override)' } as const;
type PageAction = keyof typeof ACTION_LABEL;

const Actions = ({ submit, currentLevel, acknowledged }: { submit: Submit; currentLevel?: RiskLevel; acknowledged: boolean }) => {
  const [action, setAction] = useState<PageAction>(acknowledged ? 'reopen' : 'acknowledge');
  const [level, setLevel] = useState<RiskLevel>(currentLevel ?? 'medium');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <section aria-labelledby="actions-h">
      <h2 id="actions-h">Record a decision</h2>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          const req: FeedbackRequest = action === 'override-risk' ? { action, riskLevel: level, comment: comment.trim() } : { action, comment: comment.trim() };
          void submit(req).then((ok) => {
            setBusy(false);
            if (ok) setComment('');
          });
        }}
      >
        <fieldset>
          <legend>Action</legend>
          {(Object.keys(ACTION_LABEL) as PageAction[]).map((a) => (
            <label class="radio">
              <input type="radio" name="action" value={a} checked={action === a} onChange={() => setAction(a)} /> {ACTION_LABEL[a]}
            </label>
          ))}
        </fieldset>
        {action === 'override-risk' ? (
          <label>
            New risk level
            <select name="riskLevel" value={level} onChange={(e) => setLevel(e.currentTarget.value as RiskLevel)}>
              {RISK_LEVELS.map((l) => (
                <option value={l}>{l}</option>
              ))}
            </select>
          </label>
        ) : null}
        <label for="decision-comment">Comment (why; kept in the history)</label>
        <textarea id="decision-comment" required maxLength={2000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
        <div class="form-actions">
          <button type="submit" disabled={busy || !comment.trim()}>
            {busy ? 'Saving…' : 'Save decision'}
          </button>
        </div>
      </form>
    </section>
  );
};
