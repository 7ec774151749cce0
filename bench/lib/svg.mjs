// Horizontal bar charts as standalone SVG, drawn from a result group: one bar per row, tsgi rows in
// the accent colour, the baseline darker, rows without a number labelled with why.

const escape = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A number for people: 41 234, 12.3, 0.42. */
export function formatNumber(value) {
  if (value >= 1000) return Math.round(value).toLocaleString("en-US");
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

const COLOURS = { tsgi: "#2563eb", baseline: "#374151", peer: "#9ca3af" };

/** The SVG text of a bar chart for a group ({ title, unit, higherIsBetter, baseline, rows }). */
export function barChart(group) {
  const width = 760;
  const labelWidth = 290;
  const barArea = 340;
  const rowHeight = 24;
  const top = 48;
  const rows = group.rows;
  const height = top + rows.length * rowHeight + 16;
  const values = rows.filter((row) => row.status === "ok" && row.value > 0).map((row) => row.value);
  const max = Math.max(...values, 0) || 1;
  const min = Math.min(...values, max);
  // A wide range (the linear router scan at 1000 routes) would flatten every other bar: use a log scale.
  const log = max / min > 30;
  const floor = Math.log10(min / 2);
  const scale = (value) => (log ? (Math.log10(value) - floor) / (Math.log10(max) - floor) : value / max);
  const better = `${group.higherIsBetter ? "higher is better" : "lower is better"}${log ? "; log scale" : ""}`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600" fill="#111827">${escape(group.title)}</text>`,
    `<text x="12" y="39" fill="#4b5563">${escape(`${group.unit}, ${better}`)}</text>`,
  ];
  rows.forEach((row, index) => {
    const y = top + index * rowHeight;
    parts.push(`<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end" fill="#111827"${row.tsgi ? ' font-weight="600"' : ""}>${escape(row.label)}</text>`);
    if (row.status !== "ok") {
      parts.push(`<text x="${labelWidth}" y="${y + 16}" fill="#6b7280" font-style="italic">${escape(row.status === "n/a" ? "not available" : "failed")}</text>`);
      return;
    }
    const isBaseline = group.baseline === row.id;
    const colour = row.tsgi ? COLOURS.tsgi : isBaseline ? COLOURS.baseline : COLOURS.peer;
    const barWidth = Math.max(1, scale(row.value) * barArea);
    parts.push(`<rect x="${labelWidth}" y="${y + 4}" width="${barWidth.toFixed(1)}" height="${rowHeight - 8}" rx="2" fill="${colour}"/>`);
    parts.push(`<text x="${(labelWidth + barWidth + 6).toFixed(1)}" y="${y + 16}" fill="#111827">${escape(formatNumber(row.value))}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
