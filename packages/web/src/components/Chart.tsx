import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { timeRange, timeTick } from './chart-scale.ts';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
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
        series: [
          {},
          // A lone point has no line to draw: show it as a dot.
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            points: { show: x.length < 2 || undefined },
          })),
        ],
        scales: { x: { time: true, range: (_u, min, max) => timeRange(min, max) } },
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
