import { useMemo, useState } from 'preact/hooks';
import type { ApiClient } from '../api';
import { DayChart, type ChartSeries } from '../chart';
import { ErrorBox, Loading, useAsync } from '../components';
import { loadTrends } from '../trends-source';
import { RISK_BUCKETS, type Count, type RiskBucket, type Trends } from '../trends';

export const RISK_COLORS: Record<RiskBucket, string> = { low: '#2e7d32', medium: '#b26a00', high: '#d84315', critical: '#8e0000', unscored: '#757575' };

const Bars = ({ title, counts, id }: { title: string; counts: Count[]; id: string }) => {
  const max = Math.max(1, ...counts.map((c) => c.count));
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {counts.length === 0 ? (
        <p class="muted">None in this period.</p>
      ) : (
        <table class="hbars">
          <tbody>
            {counts.map((c) => (
              <tr>
                <th scope="row" class="mono">
                  {c.key}
                </th>
                <td>
                  <span class="hbar" style={{ width: `${(c.count / max) * 100}%` }} aria-hidden="true" />
                </td>
                <td class="num">{c.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};

export const TrendsView = ({ api }: { api: ApiClient }) => {
  const [days, setDays] = useState(30);
  const [trends, reload] = useAsync(() => loadTrends(api, days), [api, days]);
  return (
    <section aria-labelledby="trends-h">
      <h1 id="trends-h">Trends</h1>
      <label class="inline">
        Period{' '}
        <select value={String(days)} onChange={(e) => setDays(Number(e.currentTarget.value))}>
          <option value="7">last 7 days</option>
          <option value="30">last 30 days</option>
          <option value="90">last 90 days</option>
        </select>
      </label>
      {trends.state === 'loading' ? <Loading what="trends" /> : null}
      {trends.state === 'error' ? <ErrorBox problem={trends.problem} onRetry={reload} /> : null}
      {trends.state === 'ok' ? <TrendsBody t={trends.data} /> : null}
    </section>
  );
};

const TrendsBody = ({ t }: { t: Trends }) => {
  // Stacked bars: each level's bar is drawn from zero to the sum of it and the levels below it, highest first.
  const stacked = useMemo<ChartSeries[]>(() => {
    const order = [...RISK_BUCKETS].reverse(); // unscored, critical, high, medium, low: drawn first = tallest
    return order.map((b) => {
      const below = RISK_BUCKETS.slice(0, RISK_BUCKETS.indexOf(b) + 1);
      return {
        label: b,
        color: RISK_COLORS[b],
        values: t.days.map((_, i) => below.reduce((sum, x) => sum + (t.byRisk[x][i] ?? 0), 0)),
        display: (i: number) => String(t.byRisk[b][i] ?? 0),
      };
    });
  }, [t]);
  const mean = useMemo<ChartSeries[]>(() => [{ label: 'mean risk', color: '#1a4f8b', values: t.meanRisk }], [t]);
  if (t.total === 0) return <p class="empty">No reviews in this period.</p>;
  return (
    <>
      <p class="muted basis">{t.basis}</p>
      <section class="card" aria-labelledby="per-day-h">
        <h2 id="per-day-h">Reviews per day by risk level ({t.total})</h2>
        <DayChart days={t.days} series={stacked} kind="bars" label={`Reviews per day by risk level, ${t.days[0]} to ${t.days[t.days.length - 1]}`} />
        <details>
          <summary>Table</summary>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Day</th>
                {RISK_BUCKETS.map((b) => (
                  <th scope="col">{b}</th>
                ))}
                <th scope="col">mean risk</th>
              </tr>
            </thead>
            <tbody>
              {t.days.map((d, i) => (
                <tr>
                  <th scope="row">{d}</th>
                  {RISK_BUCKETS.map((b) => (
                    <td class="num">{t.byRisk[b][i]}</td>
                  ))}
                  <td class="num">{t.meanRisk[i] ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </section>
      <section class="card" aria-labelledby="mean-h">
        <h2 id="mean-h">Mean risk score per day</h2>
        <DayChart days={t.days} series={mean} kind="line" height={180} label="Mean risk score per day (0 to 100)" />
      </section>
      <div class="grid3">
        <Bars title="Top rules" counts={t.topRules} id="rules-h" />
        <Bars title="Top categories" counts={t.topCategories} id="cats-h" />
        <Bars title="Outcomes" counts={t.outcomes} id="outcomes-h" />
      </div>
    </>
  );
};
