import type { ApiClient } from '../api';
import { useAsync } from '../components';
import { formatTime } from '../format';

/** GET /analytics/history (schema HistoryAnalysis), as far as it is shown here. */
interface HistoryAnalysis {
  scope: string;
  days: number;
  reviews: number;
  recurringFindings: { total: number; items: Array<{ ruleId: string; resourceAddress: string; severity: string; reviews: number; dismissed: number; lastSeen: string }> };
  hotspots: { total: number; items: Array<{ resourceAddress: string; changes: number; riskyChanges: number; failedApplies: number; lastChanged: string }> };
  outcomes: { total: number; items: Array<{ reviewId: string; at: string; kind: string; riskLevel: string | null }> };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isList = (v: unknown): v is { total: number; items: unknown[] } => isObj(v) && typeof v.total === 'number' && Array.isArray(v.items);

export const isHistoryAnalysis = (v: unknown): v is HistoryAnalysis =>
  isObj(v) && typeof v.reviews === 'number' && typeof v.days === 'number' && isList(v.recurringFindings) && isList(v.hotspots) && isList(v.outcomes);

const DAYS = 30;
const LIMIT = 5;

const more = (shown: number, total: number) => (total > shown ? <p class="muted">and {total - shown} more</p> : null);

/**
 * What the same repository (or stack) went through lately: findings that keep coming back, resources
 * changed often or risky, and what happened after its reviews. Nothing when the server has no
 * GET /analytics/history.
 */
export const RepositoryContext = ({ api, repository, stack }: { api: ApiClient; repository?: string; stack?: string }) => {
  const scope = repository ? { key: 'repository', value: repository } : stack ? { key: 'stack', value: stack } : undefined;
  const [history] = useAsync(
    async () => (scope ? api.optionalGet<unknown>(`/analytics/history?${scope.key}=${encodeURIComponent(scope.value)}&days=${DAYS}&limit=${LIMIT}`) : undefined),
    [api, scope?.key, scope?.value],
  );
  if (!scope || history.state === 'loading') return null;
  if (history.state === 'error') return <p class="muted">History of {scope.value} not available: {history.problem.title}</p>;
  const h = history.data;
  if (h === undefined) return null;
  if (!isHistoryAnalysis(h)) return <p class="muted">History of {scope.value}: the server answered in a form this dashboard does not read.</p>;
  return (
    <section aria-labelledby="context-h" class="context">
      <h2 id="context-h">
        {scope.key === 'stack' ? 'Stack ' : ''}
        {scope.value}, last {h.days} days
      </h2>
      <p class="muted">{h.reviews} reviews in the last {h.days} days.</p>
      <div class="grid3">
        <div class="card">
          <h3>Findings that keep coming back</h3>
          {h.recurringFindings.items.length === 0 ? (
            <p class="muted">None.</p>
          ) : (
            <ul class="plain">
              {h.recurringFindings.items.map((f) => (
                <li>
                  <span class="mono">{f.ruleId}</span> on <span class="mono">{f.resourceAddress}</span>: {f.reviews} reviews
                  {f.dismissed ? `, dismissed ${f.dismissed}×` : ''}
                </li>
              ))}
            </ul>
          )}
          {more(h.recurringFindings.items.length, h.recurringFindings.total)}
        </div>
        <div class="card">
          <h3>Hotspots</h3>
          {h.hotspots.items.length === 0 ? (
            <p class="muted">None.</p>
          ) : (
            <ul class="plain hotspots">
              {h.hotspots.items.map((r) => (
                <li>
                  <span class="mono">{r.resourceAddress}</span>: changed {r.changes}×, {r.riskyChanges} risky
                  {r.failedApplies ? `, ${r.failedApplies} failed applies` : ''}
                </li>
              ))}
            </ul>
          )}
          {more(h.hotspots.items.length, h.hotspots.total)}
        </div>
        <div class="card">
          <h3>What happened next</h3>
          {h.outcomes.items.length === 0 ? (
            <p class="muted">No applies, merges or overrides recorded.</p>
          ) : (
            <ul class="plain">
              {h.outcomes.items.map((o) => (
                <li>
                  {o.kind}
                  {o.riskLevel ? ` at ${o.riskLevel} risk` : ''} · <time dateTime={o.at}>{formatTime(o.at)}</time> ·{' '}
                  <a href={`#/reviews/${encodeURIComponent(o.reviewId)}`} aria-label={`review ${o.reviewId}`}>
                    review
                  </a>
                </li>
              ))}
            </ul>
          )}
          {more(h.outcomes.items.length, h.outcomes.total)}
        </div>
      </div>
    </section>
  );
};
