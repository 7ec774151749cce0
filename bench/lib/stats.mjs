// Statistics of a group's rounds, shared by the runner (bench/lib/group.mjs) and the report: a row's
// median and spread per metric, its ratio to a baseline taken round by round (the two rows of a pair
// ran next to each other in time), and the noise verdict on a group.

/** A group is "machine busy: ratios rough" when a row's ratio to its baseline moves more than this across rounds ((max - min) / median). */
export const RATIO_SPREAD_LIMIT = 0.15;
/** ... or, in groups without ratios, when a row's own value moves more than this across rounds. */
export const VALUE_SPREAD_LIMIT = 0.25;
/** ... or when other processes used more than this many cores (median over the group's rounds). */
export const OTHERS_CORES_LIMIT = 0.25;

function quantile(sorted, q) {
  if (sorted.length === 0) return undefined;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/**
 * Median, quartiles and range of the finite numbers in `values` (others are ignored), or undefined when
 * there are none. The median of an even count is the mean of the middle two.
 *
 * @example summarize([3, 1, 2]) // { median: 2, q1: 1.5, q3: 2.5, min: 1, max: 3, n: 3 }
 */
export function summarize(values) {
  const sorted = values.filter((value) => typeof value === "number" && Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  return { median: quantile(sorted, 0.5), q1: quantile(sorted, 0.25), q3: quantile(sorted, 0.75), min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

/** Relative spread of a summary: (max - min) / median; 0 for one value. */
export function relativeSpread(summary) {
  return summary === undefined || summary.median === 0 ? 0 : (summary.max - summary.min) / Math.abs(summary.median);
}

/** The metrics a round can carry, and where each lives in a round record. */
const PICK = {
  value: (round) => round.value,
  p50: (round) => round.latency?.p50,
  p99: (round) => round.latency?.p99,
  cpuUs: (round) => round.cpuUs,
  loadKb: (round) => round.loadKb,
};

/**
 * A row's rounds: the records the runner stores (one per round, `null` where the row had no sample),
 * or, for results written before rounds were kept, one record per value of `samples`.
 */
export function roundsOf(row) {
  if (Array.isArray(row.rounds)) return row.rounds;
  if (Array.isArray(row.samples)) return row.samples.map((value) => ({ value }));
  return typeof row.value === "number" ? [{ value: row.value }] : [];
}

/** Summary of one metric ("value", "p50", "p99", "cpuUs", "loadKb") over a row's rounds. */
export function metricStats(row, metric = "value") {
  const pick = PICK[metric];
  if (pick === undefined) throw new Error(`unknown metric ${metric}; use one of ${Object.keys(PICK).join(", ")}`);
  const stats = summarize(roundsOf(row).map((round) => (round === null ? undefined : pick(round))));
  if (stats !== undefined) return stats;
  // Older results kept only the median CPU and the peak memory of a row.
  const single = metric === "cpuUs" ? row.cpuUs : metric === "loadKb" ? row.rss?.loadKb : metric === "p99" || metric === "p50" ? row.latency?.[metric] : undefined;
  return typeof single === "number" ? { median: single, q1: single, q3: single, min: single, max: single, n: 1 } : undefined;
}

/**
 * Ratio row / base of a metric, round by round (round i of one with round i of the other), summarized.
 * Falls back to the ratio of the medians (n: 0) when the rounds cannot be paired.
 */
export function pairedRatio(row, base, metric = "value") {
  const pick = PICK[metric];
  const mine = roundsOf(row);
  const theirs = roundsOf(base);
  const ratios = [];
  if (mine.length === theirs.length) {
    for (let i = 0; i < mine.length; i++) {
      const a = mine[i] === null ? undefined : pick(mine[i]);
      const b = theirs[i] === null ? undefined : pick(theirs[i]);
      if (typeof a === "number" && typeof b === "number" && b > 0) ratios.push(a / b);
    }
  }
  const paired = summarize(ratios);
  if (paired !== undefined) return paired;
  const a = metricStats(row, metric)?.median;
  const b = metricStats(base, metric)?.median;
  if (a === undefined || b === undefined || b <= 0) return undefined;
  return { median: a / b, q1: a / b, q3: a / b, min: a / b, max: a / b, n: 0 };
}

/** The row a row is compared with (its own `baseline` or the group's), when it was measured. */
export function baselineOf(group, row) {
  const id = row.baseline ?? group.baseline;
  return group.rows.find((candidate) => candidate.id === id && candidate.status === "ok");
}

/**
 * Whether a group's rounds agree: { busy, reasons[], worstRatioSpread, othersCores }. Busy when a
 * row's round-by-round ratio to its baseline spreads more than RATIO_SPREAD_LIMIT, when a group
 * without ratios has a row spreading more than VALUE_SPREAD_LIMIT, or when other processes used more
 * than OTHERS_CORES_LIMIT cores during the rounds.
 */
export function assess(group) {
  const reasons = [];
  let worst = 0;
  let worstLabel;
  let ratios = 0;
  for (const row of group.rows) {
    if (row.status !== "ok") continue;
    const base = baselineOf(group, row);
    if (base === undefined || base === row) continue;
    const ratio = pairedRatio(row, base);
    if (ratio === undefined || ratio.n < 2) continue;
    ratios++;
    const spread = relativeSpread(ratio);
    if (spread > worst) { worst = spread; worstLabel = `${row.label} vs ${base.label}`; }
  }
  if (ratios > 0 && worst > RATIO_SPREAD_LIMIT) {
    reasons.push(`the ratio ${worstLabel} moved ${(worst * 100).toFixed(0)} % across rounds (limit ${RATIO_SPREAD_LIMIT * 100} %)`);
  }
  if (ratios === 0) {
    for (const row of group.rows) {
      if (row.status !== "ok") continue;
      const spread = relativeSpread(metricStats(row));
      if (spread > worst) { worst = spread; worstLabel = row.label; }
    }
    if (worst > VALUE_SPREAD_LIMIT) reasons.push(`${worstLabel} moved ${(worst * 100).toFixed(0)} % across rounds (limit ${VALUE_SPREAD_LIMIT * 100} %)`);
  }
  const others = group.noise?.during?.othersCores;
  if (others !== undefined && others.median > OTHERS_CORES_LIMIT) {
    reasons.push(`other processes used ${others.median.toFixed(2)} cores during the rounds (limit ${OTHERS_CORES_LIMIT})`);
  }
  return { busy: reasons.length > 0, reasons, worstRatioSpread: worst, othersCores: others?.median };
}
