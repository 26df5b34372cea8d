// Recharts lives in its own chunk: only this file imports it.
import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { METRICS, formatMetric, formatTimeLabel } from '../lib/format.js';

function ChartTooltip({ active, payload, metric, interval }) {
  if (!active || !payload?.length) return null;
  const point = payload[0].payload;
  if (point.value === null && point.comparison == null) return null;
  const unit = METRICS[metric]?.short.toLowerCase();
  return (
    <div className="rounded-md bg-gray-900 px-3 py-2 text-sm text-white shadow-lg">
      <div className="text-xs text-gray-300">{formatTimeLabel(point.label, interval, true)}</div>
      {point.value !== null && <div className="font-semibold">{formatMetric(metric, point.value)} <span className="font-normal text-gray-300">{unit}</span></div>}
      {point.comparisonLabel && (
        <>
          <div className="mt-1 text-xs text-gray-400">{formatTimeLabel(point.comparisonLabel, interval, true)}</div>
          <div className="font-semibold text-gray-300">{formatMetric(metric, point.comparison)} <span className="font-normal text-gray-400">{unit}</span></div>
        </>
      )}
    </div>
  );
}

/**
 * An invisible marker at each point of the comparison line, carrying the value it was drawn
 * from, so what the line shows can be read back (the browser test does).
 */
function ComparisonPoint({ cx, cy, value, index }) {
  if (value === null || value === undefined || cx === undefined || cy === undefined) return null;
  return <circle key={index} cx={cx} cy={cy} r={0} data-testid="comparison-point" data-value={value} />;
}

export default function MainChart({ series, metric, interval }) {
  const comparing = series.some((p) => p.comparisonLabel);
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={series} margin={{ top: 10, right: 12, bottom: 0, left: 0 }}>
        <defs>
          <linearGradient id="tf-area" x1="0" y1="0" x2="0" y2="1">
            <stop offset="0%" stopColor="#6366f1" stopOpacity={0.3} />
            <stop offset="100%" stopColor="#6366f1" stopOpacity={0} />
          </linearGradient>
        </defs>
        <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.1} />
        <XAxis dataKey="label" tickFormatter={(l) => formatTimeLabel(l, interval)} tickLine={false} axisLine={false}
          minTickGap={24} tick={{ fontSize: 12, fill: '#9ca3af' }} />
        <YAxis tickFormatter={(v) => formatMetric(metric, v)} tickLine={false} axisLine={false} width={52}
          allowDecimals={metric === 'views_per_visit'} tick={{ fontSize: 12, fill: '#9ca3af' }} />
        <Tooltip content={<ChartTooltip metric={metric} interval={interval} />} cursor={{ stroke: '#a5b4fc' }} />
        {comparing && (
          <Line type="monotone" dataKey="comparison" stroke="#9ca3af" strokeWidth={1.5} strokeDasharray="5 4"
            dot={<ComparisonPoint />} activeDot={{ r: 3 }} isAnimationActive={false} connectNulls={false} name="comparison" />
        )}
        <Area type="monotone" dataKey="value" stroke="#6366f1" strokeWidth={2} fill="url(#tf-area)"
          dot={false} activeDot={{ r: 4 }} isAnimationActive={false} connectNulls={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
