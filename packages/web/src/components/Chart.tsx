import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * One time-axis label at the precision the tick spacing needs (`incr` is in seconds, like x):
 * uPlot's defaults print milliseconds on every tick when points are close together, and those
 * wide labels overlap.
 */
export function timeTick(seconds: number, incr: number): string {
  const d = new Date(seconds * 1000);
  if (incr < 1) return `${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  if (incr < 60) return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (incr < 86_400) return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

const timeAxis: uPlot.Axis = {
  stroke: 'currentColor',
  // At least this many pixels between ticks: the widest label ("12:34.567") is about 70 px.
  space: 90,
  values: (_u, splits, _axis, _space, incr) => splits.map((s) => timeTick(s, incr)),
};

/** A uPlot line chart over epoch-ms x values; resizes with its container. */
export default function Chart({
  title,
  x,
  series,
  height = 200,
}: {
  title: string;
  x: number[];
  series: Series[];
  height?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const plot = new uPlot(
      {
        title,
        width: el.clientWidth || 400,
        height,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2 }))],
        axes: [timeAxis, { stroke: 'currentColor' }],
      },
      [x.map((t) => t / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    const ro = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [title, x, series, height]);
  return <div className="chart" ref={ref} />;
}
