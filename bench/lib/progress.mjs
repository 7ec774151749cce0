// One progress line on stderr: step i of n, elapsed time, what runs now and the last result.
// On a terminal the line is rewritten in place; otherwise each finished step prints one line.
const tty = process.stderr.isTTY === true;

function clock(ms) {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** A progress reporter for `total` steps. */
export function progress(total) {
  const started = Date.now();
  let step = 0;
  let last = "";
  const line = (text) => `[${String(step).padStart(String(total).length)}/${total} ${clock(Date.now() - started)}] ${text}`;
  return {
    /** A step starts. */
    start(label) {
      step++;
      if (tty) process.stderr.write(`\r\x1b[2K${line(last === "" ? label : `${label}   (last: ${last})`).slice(0, (process.stderr.columns ?? 120) - 1)}`);
    },
    /** The step's result. */
    done(result) {
      last = result;
      if (!tty) process.stderr.write(line(result) + "\n");
    },
    /** A step that will not run (its row is not available). */
    skip() { step++; },
    /** Clears the line and says how long the run took. */
    end() {
      if (tty) process.stderr.write(`\r\x1b[2K`);
      process.stderr.write(`done in ${clock(Date.now() - started)}\n`);
    },
    elapsedMs: () => Date.now() - started,
  };
}
