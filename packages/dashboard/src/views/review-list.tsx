import { useState } from 'preact/hooks';
import { RISK_LEVELS, SOURCES, STATUSES, type ApiClient, type ReviewSummary } from '../api';
import { ConfidenceBadge, ErrorBox, Loading, RiskBadge, StatusBadge, useAsync } from '../components';
import { FIELDS, filtersFrom, formFrom, type Field, type Form } from '../filters';
import { formatTime } from '../format';
import { SourceIcon } from '../icons';

const PAGE_SIZE = 20;

export const ReviewList = ({ api, query }: { api: ApiClient; query: URLSearchParams }) => {
  const applied = formFrom(query);
  const key = FIELDS.map((f) => applied[f]).join('\u0000');
  // The app remounts this view when the hash's filters change (back/forward, a link): page one again.
  const [form, setForm] = useState<Form>(applied);
  // Cursors of the pages before this one (the first page has none).
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const [page, reload] = useAsync(() => api.listReviews(filtersFrom(applied), cursor, PAGE_SIZE), [api, key, cursor]);

  const apply = (e: Event) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const f of FIELDS) if (form[f].trim()) q.set(f, form[f].trim());
    const s = q.toString();
    setCursors([]);
    window.location.hash = s ? `#/?${s}` : '#/';
  };
  const set = (f: Field) => (e: Event) => setForm({ ...form, [f]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  const active = FIELDS.filter((f) => applied[f]).length;

  return (
    <section aria-labelledby="reviews-h">
      <h1 id="reviews-h">Reviews</h1>
      <details class="filters" open={active > 0}>
        <summary>Filters{active ? ` (${active} active)` : ''}</summary>
        <form onSubmit={apply} class="filter-grid">
          <label>
            Repository
            <input name="repository" placeholder="owner/name" value={form.repository} onInput={set('repository')} maxLength={200} />
          </label>
          <label>
            Stack
            <input name="stack" placeholder="Spacelift stack" value={form.stack} onInput={set('stack')} maxLength={200} />
          </label>
          <label>
            Source
            <select name="source" value={form.source} onChange={set('source')}>
              <option value="">any</option>
              {SOURCES.map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Risk
            <select name="riskLevel" value={form.riskLevel} onChange={set('riskLevel')}>
              <option value="">any</option>
              {RISK_LEVELS.map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Status
            <select name="status" value={form.status} onChange={set('status')}>
              <option value="">any</option>
              {STATUSES.map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            From (UTC day)
            <input name="from" type="date" value={form.from} onInput={set('from')} />
          </label>
          <label>
            To (UTC day, inclusive)
            <input name="to" type="date" value={form.to} onInput={set('to')} />
          </label>
          <div class="filter-actions">
            <button type="submit">Apply filters</button>
            {active ? (
              <a class="button secondary" href="#/">
                Clear
              </a>
            ) : null}
          </div>
        </form>
      </details>

      {page.state === 'loading' ? <Loading what="reviews" /> : null}
      {page.state === 'error' ? <ErrorBox problem={page.problem} onRetry={reload} /> : null}
      {page.state === 'ok' ? (
        <>
          {page.data.items.length === 0 ? (
            <p class="empty">{active || cursor ? 'No reviews match these filters.' : 'No reviews yet. Submit a plan (POST /reviews), or run npm run demo against the local stack.'}</p>
          ) : (
            <ul class="review-list" aria-label="Reviews, newest first">
              {page.data.items.map((r) => (
                <ReviewRow r={r} />
              ))}
            </ul>
          )}
          <nav class="pager" aria-label="Pages">
            <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              ← Newer
            </button>
            <span class="muted">Page {cursors.length + 1}</span>
            <button type="button" disabled={!page.data.nextCursor} onClick={() => page.data.nextCursor && setCursors([...cursors, page.data.nextCursor])}>
              Older →
            </button>
          </nav>
        </>
      ) : null}
    </section>
  );
};

const ReviewRow = ({ r }: { r: ReviewSummary & { confidence?: number } }) => (
  <li class="review-row">
    <div class="row-main">
      <a class="row-title" href={`#/reviews/${encodeURIComponent(r.id)}`}>
        {r.title || r.id}
      </a>
      <span class="row-where muted">
        <SourceIcon source={r.source} />
        {r.repository ? <span>{r.repository}</span> : null}
        {r.stack ? <span>stack {r.stack}</span> : null}
        <time dateTime={r.createdAt}>{formatTime(r.createdAt)}</time>
      </span>
    </div>
    <div class="row-badges">
      <RiskBadge level={r.riskLevel} score={r.riskScore} />
      <ConfidenceBadge confidence={r.confidence} />
      <StatusBadge status={r.status} />
      <span class="muted">v{r.version}</span>
    </div>
  </li>
);
