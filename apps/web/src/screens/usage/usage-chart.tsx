/** Cost and tokens per day as plain SVG bars (one bar a day of the range; a bar's title names its day and value). */
import { barsOf, count, money, type DayPoint } from './usage-model';

const W = 600;
const H = 120;

function DayBars({ title, points, value, label }: { title: string; points: DayPoint[]; value: (p: DayPoint) => number; label: (v: number) => string }) {
  const values = points.map(value);
  const bars = barsOf(values, W, H);
  const max = Math.max(0, ...values);
  const first = points[0]?.day ?? '';
  const last = points[points.length - 1]?.day ?? '';
  return (
    <figure class="usage-chart" data-testid={`chart-${title.toLowerCase().replace(/\W+/g, '-')}`}>
      <figcaption class="small">
        {title} <span class="muted">(max {label(max)} a day)</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H + 16}`} width="100%" role="img" aria-label={`${title}, ${first} to ${last}`}>
        <line x1={0} y1={H} x2={W} y2={H} stroke="currentColor" stroke-opacity={0.3} />
        {bars.map((b, i) => (
          <rect key={points[i]!.day} class="bar" x={b.x} y={b.y} width={b.width} height={b.height} style={{ fill: 'var(--accent)' }}>
            <title>{`${points[i]!.day}: ${label(values[i]!)}`}</title>
          </rect>
        ))}
        <text x={0} y={H + 13} font-size={11} fill="currentColor">
          {first}
        </text>
        <text x={W} y={H + 13} font-size={11} fill="currentColor" text-anchor="end">
          {last}
        </text>
      </svg>
    </figure>
  );
}

export function UsageChart({ points }: { points: DayPoint[] }) {
  if (points.length === 0) return <p class="muted small">No days in this range.</p>;
  return (
    <div class="usage-charts">
      <DayBars title="Cost per day" points={points} value={(p) => p.usd} label={money} />
      <DayBars title="Tokens per day" points={points} value={(p) => p.totalTokens} label={count} />
    </div>
  );
}
