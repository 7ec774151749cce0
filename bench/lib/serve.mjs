// The server process of one measurement: `node bench/lib/serve.mjs IMPL APP PORT [PROTOCOL] [WORKERS]`
// loads bench/scenarios/apps/IMPL.mjs and starts APP on 127.0.0.1:PORT. The bench runs it pinned to
// the server core and waits for the port; SIGTERM closes the server (if it has close()) and exits.
const [impl, app, port, protocol = "http", workers = "1"] = process.argv.slice(2);
if (impl === undefined || app === undefined || port === undefined) {
  process.stderr.write("usage: node bench/lib/serve.mjs IMPL APP PORT [PROTOCOL] [WORKERS]\n");
  process.exit(2);
}
const module = await import(new URL(`../scenarios/apps/${impl}.mjs`, import.meta.url).href);
const server = await module.start({ app, port: Number(port), protocol, workers: Number(workers) });
process.once("SIGTERM", () => {
  const timer = setTimeout(() => process.exit(0), 2000);
  Promise.resolve(server?.close?.({ graceMs: 1000 })).finally(() => { clearTimeout(timer); process.exit(0); });
});
