// Horizontal bar charts as standalone SVG, drawn from a result group: one bar per row at the median of
// its rounds with a whisker from the lowest to the highest round, tsgi rows in the accent colour, the
// baseline darker, rows without a number labelled with why.
import { metricStats } from "./stats.mjs";

const escape = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A number for people: 41 234, 12.3, 0.42. */
export function formatNumber(value) {
  if (value >= 1000) return Math.round(value).toLocaleString("en-US");
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

const COLOURS = { tsgi: "#2563eb", baseline: "#374151", peer: "#9ca3af", whisker: "#111827" };

/** What a chart of each metric shows: its unit line and whether higher is better (undefined: the group's). */
const METRICS = {
  value: { unit: (group) => group.unit, higherIsBetter: undefined },
  p99: { unit: () => "p99 latency, ms", higherIsBetter: false },
  cpuUs: { unit: () => "CPU µs per request", higherIsBetter: false },
};

/**
 * The SVG text of a bar chart of one metric ("value", the group's unit, by default; "p99" or "cpuUs")
 * for a group ({ title, unit, higherIsBetter, baseline, rows }): bars at the median round, whiskers
 * from the lowest to the highest round.
 *
 * @example writeFileSync("docs/benchmarks/http-hello.svg", barChart(group));
 */
export function barChart(group, { metric = "value" } = {}) {
  const spec = METRICS[metric];
  if (spec === undefined) throw new Error(`no chart for metric ${metric}; use one of ${Object.keys(METRICS).join(", ")}`);
  const width = 920;
  const labelWidth = 300;
  const barArea = 420;
  const rowHeight = 24;
  const top = 48;
  const rows = group.rows;
  const height = top + rows.length * rowHeight + 16;
  const stats = new Map(rows.map((row) => [row.id, row.status === "ok" ? metricStats(row, metric) : undefined]));
  const measured = [...stats.values()].filter((s) => s !== undefined && s.median > 0);
  const max = Math.max(...measured.map((s) => s.max), 0) || 1;
  const min = Math.min(...measured.map((s) => Math.max(s.min, s.median / 1000)), max);
  // A wide range (the linear router scan at 1000 routes) would flatten every other bar: use a log scale.
  const log = max / min > 30;
  const floor = Math.log10(min / 2);
  const scale = (value) => Math.max(0, log ? (Math.log10(value) - floor) / (Math.log10(max) - floor) : value / max);
  const higher = spec.higherIsBetter ?? group.higherIsBetter;
  const caption = `${spec.unit(group)}, ${higher ? "higher is better" : "lower is better"}; bar: median round, whisker: lowest to highest round${log ? "; log scale" : ""}`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600" fill="#111827">${escape(group.title)}</text>`,
    `<text x="12" y="39" fill="#4b5563">${escape(caption)}</text>`,
  ];
  rows.forEach((row, index) => {
    const y = top + index * rowHeight;
    parts.push(`<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end" fill="#111827"${row.tsgi ? ' font-weight="600"' : ""}>${escape(row.label)}</text>`);
    const s = stats.get(row.id);
    if (s === undefined || !(s.median > 0)) {
      const why = row.status === "n/a" ? "not available" : row.status === "failed" ? "failed" : "not measured";
      parts.push(`<text x="${labelWidth}" y="${y + 16}" fill="#6b7280" font-style="italic">${escape(why)}</text>`);
      return;
    }
    const isBaseline = group.baseline === row.id;
    const colour = row.tsgi ? COLOURS.tsgi : isBaseline ? COLOURS.baseline : COLOURS.peer;
    const barWidth = Math.max(1, scale(s.median) * barArea);
    const low = labelWidth + Math.max(1, scale(s.min) * barArea);
    const high = labelWidth + Math.max(1, scale(s.max) * barArea);
    const mid = y + rowHeight / 2;
    parts.push(`<rect x="${labelWidth}" y="${y + 4}" width="${barWidth.toFixed(1)}" height="${rowHeight - 8}" rx="2" fill="${colour}"/>`);
    if (s.n > 1) {
      parts.push(`<path class="whisker" d="M${low.toFixed(1)} ${mid}H${high.toFixed(1)}M${low.toFixed(1)} ${mid - 5}V${mid + 5}M${high.toFixed(1)} ${mid - 5}V${mid + 5}" stroke="${COLOURS.whisker}" stroke-width="1.5" fill="none"/>`);
    }
    const range = s.n > 1 ? ` (${formatNumber(s.min)}–${formatNumber(s.max)})` : "";
    parts.push(`<text x="${(Math.max(labelWidth + barWidth, high) + 6).toFixed(1)}" y="${y + 16}" fill="#111827">${escape(formatNumber(s.median) + range)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
