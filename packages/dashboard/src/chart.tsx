import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  values: Array<number | null>;
  /** What the legend shows for point i (e.g. the unstacked count). */
  display?: (i: number) => string;
}

/**
 * A uPlot chart over UTC days that follows its container's width. The canvas is a picture, so the
 * caller also renders the same figures as a table for screen readers.
 */
export const DayChart = ({ days, series, kind, height = 220, label }: { days: string[]; series: ChartSeries[]; kind: 'bars' | 'line'; height?: number; label: string }) => {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const bars = uPlot.paths.bars?.({ size: [0.7, 40], gap: 1 });
    const opts: uPlot.Options = {
      width: Math.max(240, el.clientWidth),
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      // Half a day of margin either side, so a single day is a bar, not a point at the edge of a year.
      scales: { x: { time: true, range: () => [(xs[0] ?? 0) - 43_200, (xs[xs.length - 1] ?? 0) + 43_200] }, y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] } },
      axes: [{ stroke: '#333' }, { stroke: '#333', grid: { stroke: '#e3e3e3' } }],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: 'day', value: (_u, v) => (v == null ? '' : new Date(v * 1000).toISOString().slice(0, 10)) },
        ...series.map<uPlot.Series>((s) => ({
          label: s.label,
          stroke: s.color,
          fill: kind === 'bars' ? s.color : undefined,
          width: kind === 'bars' ? 0 : 2,
          points: { show: kind === 'line' },
          spanGaps: kind === 'line',
          ...(kind === 'bars' && bars ? { paths: bars } : {}),
          value: (_u, v, _si, i) => (i == null ? '' : s.display ? s.display(i) : v == null ? '—' : String(v)),
        })),
      ],
    };
    const plot = new uPlot(opts, [xs, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    const canvas = el.querySelector('canvas');
    canvas?.setAttribute('role', 'img');
    canvas?.setAttribute('aria-label', label);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(240, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [days, series, kind, height, label]);
  return <div class="chart" ref={box} data-chart={kind} />;
};
