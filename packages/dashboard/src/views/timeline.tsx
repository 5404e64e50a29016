import type { ApiClient, ReviewVersion } from '../api';
import { ErrorBox, Loading, useAsync } from '../components';
import { formatTime } from '../format';
import { describeChange } from '../history';
import { readVerify, type IntegrityReport } from '../integrity';

/** Versions are immutable, so the whole history is read page by page (bounded: a review with more is shown in part). */
const MAX_PAGES = 10;

const loadHistory = async (api: ApiClient, id: string): Promise<{ versions: ReviewVersion[]; truncated: boolean }> => {
  const versions: ReviewVersion[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await api.listVersions(id, cursor);
    versions.push(...res.items);
    cursor = res.nextCursor;
    if (!cursor) return { versions, truncated: false };
  }
  return { versions, truncated: true };
};

export const Timeline = ({ api, id }: { api: ApiClient; id: string }) => {
  const [history, reload] = useAsync(() => loadHistory(api, id), [api, id]);
  const [verify] = useAsync<IntegrityReport>(async () => readVerify(await api.optionalGet<unknown>(`/reviews/${encodeURIComponent(id)}/verify`)), [api, id]);

  return (
    <section aria-labelledby="history-h">
      <h2 id="history-h">History</h2>
      <div class="integrity" aria-live="polite">
        {verify.state === 'loading' ? <p class="muted">Checking the history's integrity…</p> : null}
        {verify.state === 'error' ? <p class="muted">Integrity check failed to run: {verify.problem.title}</p> : null}
        {verify.state === 'ok' ? (
          verify.data.kind === 'unavailable' ? (
            <p class="muted">Integrity check: not available on this server.</p>
          ) : (
            <p class={verify.data.ok ? 'verified' : 'error'}>
              <strong>Integrity check: {verify.data.ok ? 'every version verified' : 'FAILED'}</strong>
              {verify.data.detail ? ` — ${verify.data.detail}` : ''}
            </p>
          )
        ) : null}
      </div>
      {history.state === 'loading' ? <Loading what="the history" /> : null}
      {history.state === 'error' ? <ErrorBox problem={history.problem} onRetry={reload} /> : null}
      {history.state === 'ok' ? (
        <>
          <ol class="timeline" aria-label="Versions, newest first">
            {history.data.versions.map((v, i) => {
              const previous = history.data.versions[i + 1];
              const entries = (v.review.feedback ?? []).slice(previous?.review.feedback?.length ?? 0);
              const perVersion = verify.state === 'ok' && verify.data.kind === 'report' ? verify.data.versions.get(v.version) : undefined;
              return (
                <li class="tl-item" data-version={v.version}>
                  <p class="tl-head">
                    <strong>v{v.version}</strong> <time dateTime={v.createdAt}>{formatTime(v.createdAt)}</time> · <span class="actor">{v.actor}</span>
                    {perVersion ? <span class={`badge ${perVersion === 'ok' ? 'verified' : 'tampered'}`}>{perVersion}</span> : null}
                  </p>
                  <p class="tl-what">{describeChange(v, previous).join('; ') || v.reason}</p>
                  <p class="muted">Reason: {v.reason}</p>
                  {entries.map((f) => (
                    <blockquote class="prose">
                      {f.actor}: “{f.comment}”
                    </blockquote>
                  ))}
                  <p class="muted mono hash" title="content hash (chained to the previous version)">
                    #{v.hash.slice(0, 16)}
                  </p>
                </li>
              );
            })}
          </ol>
          {history.data.truncated ? <p class="muted">Older versions not shown.</p> : null}
        </>
      ) : null}
    </section>
  );
};
