// Runs one result group: set up every available row, warm each up, then take `rounds` samples of each
// row in turn (A B C, A B C, ...), so a burst of load from elsewhere on the machine hits every row
// alike instead of skewing one. A row's value is the median of its samples.

/** Steps the progress line counts for a group (a group may ask for fewer rounds than the run's). */
export function groupSteps(group, rounds) {
  return group.rows.length * (2 + Math.min(rounds, group.rounds ?? rounds));
}

function failure(error) {
  return { status: "failed", reason: String(error?.message ?? error).split("\n").slice(0, 6).join("\n") };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * Combines a row's samples: the best sample (highest, or lowest when `higherIsBetter` is false) with
 * its latency, the median beside it, error counts summed, the median CPU per request, peak memory kept.
 */
export function combine(samples, idleKb, higherIsBetter = true) {
  const values = samples.map((sample) => sample.value);
  const value = higherIsBetter ? Math.max(...values) : Math.min(...values);
  const best = samples.find((sample) => sample.value === value);
  const result = { status: "ok", ...best, value, median: median(values), samples: values };
  if (samples.some((sample) => sample.errors !== undefined)) {
    result.errors = samples.reduce((sum, sample) => sum + (sample.errors ?? 0), 0);
    result.non2xx = samples.reduce((sum, sample) => sum + (sample.non2xx ?? 0), 0);
    result.requests = samples.reduce((sum, sample) => sum + (sample.requests ?? 0), 0);
  }
  const cpu = samples.map((sample) => sample.cpuUs).filter((us) => typeof us === "number");
  if (cpu.length > 0) result.cpuUs = median(cpu);
  const loads = samples.map((sample) => sample.rss?.loadKb).filter((kb) => kb !== undefined);
  if (idleKb !== undefined || loads.length > 0) result.rss = { idleKb, loadKb: loads.length > 0 ? Math.max(...loads) : undefined };
  return result;
}

/** Runs a group's rows; resolves the rows with their results, in the group's order. */
export async function runGroup(group, { rounds: runRounds, bar }) {
  const rounds = Math.min(runRounds, group.rounds ?? runRounds);
  const results = new Map();
  const live = [];
  const skip = (count) => { for (let i = 0; i < count; i++) bar.skip(); };
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
        live.push({ row, handle: await row.setup(), samples: [], error: undefined });
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
    for (let round = 1; round <= rounds; round++) {
      for (const entry of live) {
        bar.start(`${group.title} (round ${round}/${rounds}): ${entry.row.label}`);
        if (entry.error !== undefined) { bar.done(`${entry.row.label}: failed`); continue; }
        try {
          const sample = await entry.handle.sample();
          entry.samples.push(sample);
          bar.done(`${entry.row.label}: ${Math.round(sample.value * 100) / 100} ${group.unit}`);
        } catch (error) {
          entry.error = error;
          bar.done(`${entry.row.label}: failed`);
        }
      }
    }
  } finally {
    for (const entry of [...live].reverse()) await entry.handle.stop?.().catch(() => {});
  }
  for (const entry of live) results.set(entry.row.id, entry.error !== undefined ? failure(entry.error) : combine(entry.samples, entry.handle.idleKb, group.higherIsBetter !== false));
  return group.rows.map((row) => ({ id: row.id, label: row.label, tsgi: row.tsgi === true, ...(row.baseline === undefined ? {} : { baseline: row.baseline }), ...results.get(row.id) }));
}
