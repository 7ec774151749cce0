// Runs one result group: set up every available row, warm each up, then take `rounds` samples of each
// row in alternation (A B C, C B A, B C A, A C B, ...: forward then backward, rotated every second round, so
// no row always runs first and a row and its neighbour take turns going first). A group's `runOrder` puts
// each row next to the baseline it is compared with, so the two rounds of a pair run seconds apart. A
// burst of load from elsewhere on the machine then hits both alike, and round i of a row pairs with round
// i of its baseline for a ratio per round.
// The machine's load and other processes' CPU are recorded before the group and during every round.
import { idleReading, load1 } from "./noise.mjs";
import { summarize } from "./stats.mjs";

/** Steps the progress line counts for a group (a group may ask for fewer rounds than the run's). */
export function groupSteps(group, rounds, restartEvery = 0) {
  const taken = Math.min(rounds, group.rounds ?? rounds);
  return group.rows.length * (2 + taken + restartsIn(group, taken, restartEvery));
}

/**
 * How many times a group's servers are started afresh during its rounds: throughput groups get new
 * processes every `restartEvery` rounds, because one process's JIT and heap settle into a state that
 * can favour or handicap it by a few percent for its whole life; rounds spread over several processes
 * average that out instead of baking one draw into the result.
 */
export function restartsIn(group, rounds, restartEvery) {
  return group.unit === "req/s" && restartEvery > 0 ? Math.floor((rounds - 1) / restartEvery) : 0;
}

/** The order of the rows in round `round` (0-based): forward on even rounds, backward on odd ones, rotated one place every two rounds. */
export function roundOrder(items, round) {
  if (items.length === 0) return [];
  const shift = Math.floor(round / 2) % items.length;
  const rotated = [...items.slice(shift), ...items.slice(0, shift)];
  return round % 2 === 1 ? rotated.reverse() : rotated;
}

/** The live rows in the group's `runOrder` (ids; rows it does not name keep their place after those it does). */
function inRunOrder(live, runOrder) {
  if (runOrder === undefined) return live;
  const rank = (entry) => { const at = runOrder.indexOf(entry.row.id); return at === -1 ? runOrder.length : at; };
  return [...live].sort((a, b) => rank(a) - rank(b));
}

function failure(error) {
  return { status: "failed", reason: String(error?.message ?? error).split("\n").slice(0, 6).join("\n") };
}

const sum = (samples, key) => samples.reduce((total, sample) => total + (sample?.[key] ?? 0), 0);

/**
 * Combines a row's rounds (one sample per round, in round order; `null` for a round without one):
 * the value is the median round; `rounds` keeps every round for spreads and per-round ratios; latency
 * and CPU per request are medians of the rounds (latency.max the worst round's); error counts are
 * summed; memory keeps the idle size and the peak under load.
 */
export function combine(samples, idleKb) {
  const present = samples.filter((sample) => sample !== null && sample !== undefined);
  const value = summarize(present.map((sample) => sample.value));
  if (value === undefined) return failure(new Error("no round produced a number"));
  const result = { status: "ok", value: value.median, median: value.median, samples: samples.map((sample) => sample?.value ?? null), rounds: samples.map((sample) => sample ?? null) };
  const latency = {};
  for (const key of ["p50", "p75", "p90", "p99", "mean"]) {
    const stats = summarize(present.map((sample) => sample.latency?.[key]));
    if (stats !== undefined) latency[key] = stats.median;
  }
  const worst = summarize(present.map((sample) => sample.latency?.max));
  if (worst !== undefined) latency.max = worst.max;
  if (Object.keys(latency).length > 0) result.latency = latency;
  if (present.some((sample) => sample.errors !== undefined)) {
    result.errors = sum(present, "errors");
    result.timeouts = sum(present, "timeouts");
    result.non2xx = sum(present, "non2xx");
    result.requests = sum(present, "requests");
  }
  const cpu = summarize(present.map((sample) => sample.cpuUs));
  if (cpu !== undefined) result.cpuUs = cpu.median;
  const loads = summarize(present.map((sample) => sample.loadKb ?? sample.rss?.loadKb));
  if (idleKb !== undefined || loads !== undefined) result.rss = { idleKb, loadKb: loads?.max };
  return result;
}

/**
 * Runs a group's rows; resolves { rows, noise }: the rows with their results in the group's order, and
 * the machine's load average and other processes' CPU before the group and during its rounds.
 * `watch` (default: on) takes a one-second reading of the idle machine before the group starts.
 */
export async function runGroup(group, { rounds: runRounds, bar, watch = true, restartEvery = 0 }) {
  const rounds = Math.min(runRounds, group.rounds ?? runRounds);
  const fresh = restartsIn(group, rounds, restartEvery) > 0;
  const results = new Map();
  const live = [];
  const skip = (count) => { for (let i = 0; i < count; i++) bar.skip(); };
  const before = watch ? await idleReading(1000) : { load1: load1(), othersCores: undefined };
  const loads = [];
  try {
    for (const row of group.rows) {
      bar.start(`${group.title}: starting ${row.label}`);
      try {
        const reason = await row.available();
        if (reason !== undefined) {
          results.set(row.id, { status: "n/a", reason });
          bar.done(`${row.label}: not available`);
          skip(1 + rounds);
          continue;
        }
        const handle = await row.setup();
        live.push({ row, handle, idleKb: handle.idleKb, samples: Array(rounds).fill(null), error: undefined });
        bar.done(`${row.label}: ready`);
      } catch (error) {
        results.set(row.id, failure(error));
        bar.done(`${row.label}: failed`);
        skip(1 + rounds);
      }
    }
    for (const entry of live) {
      bar.start(`${group.title}: warming up ${entry.row.label}`);
      try { await entry.handle.warmup?.(); } catch (error) { entry.error = error; }
      bar.done(`${entry.row.label}: warm`);
    }
    for (let round = 0; round < rounds; round++) {
      if (fresh && round > 0 && round % restartEvery === 0) {
        for (const entry of live) {
          if (entry.error !== undefined) { bar.skip(); continue; }
          bar.start(`${group.title}: fresh processes for ${entry.row.label}`);
          try {
            await entry.handle.stop?.();
            entry.handle = await entry.row.setup();
            await entry.handle.warmup?.();
            bar.done(`${entry.row.label}: restarted and warm`);
          } catch (error) {
            entry.error = error;
            bar.done(`${entry.row.label}: failed`);
          }
        }
      }
      for (const entry of roundOrder(inRunOrder(live, group.runOrder), round)) {
        bar.start(`${group.title} (round ${round + 1}/${rounds}): ${entry.row.label}`);
        if (entry.error !== undefined) { bar.done(`${entry.row.label}: failed`); continue; }
        try {
          const sample = await entry.handle.sample();
          entry.samples[round] = sample;
          bar.done(`${entry.row.label}: ${Math.round(sample.value * 100) / 100} ${group.unit}`);
        } catch (error) {
          entry.error = error;
          bar.done(`${entry.row.label}: failed`);
        }
      }
      loads.push(load1());
    }
  } finally {
    for (const entry of [...live].reverse()) await entry.handle.stop?.().catch(() => {});
  }
  for (const entry of live) results.set(entry.row.id, entry.error !== undefined ? failure(entry.error) : combine(entry.samples, entry.idleKb));
  const rows = group.rows.map((row) => ({
    id: row.id,
    label: row.label,
    tsgi: row.tsgi === true,
    ...(row.baseline === undefined ? {} : { baseline: row.baseline }),
    ...(row.connections === undefined ? {} : { connections: row.connections }),
    ...results.get(row.id),
  }));
  const others = summarize(live.flatMap((entry) => entry.samples.map((sample) => sample?.othersCores)));
  const load = summarize(loads);
  const noise = {
    before,
    during: {
      ...(load === undefined ? {} : { load1: { median: load.median, max: load.max } }),
      ...(others === undefined ? {} : { othersCores: { median: others.median, max: others.max } }),
    },
  };
  return { rows, noise };
}
