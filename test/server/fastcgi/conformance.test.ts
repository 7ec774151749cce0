// The shared server conformance suite against the FastCGI server, through the test client (playing nginx).
import { memorySink } from "tsgi";
import { serveFastCgi } from "tsgi/fastcgi";
import { RecordType } from "tsgi/protocol/fastcgi";
import { serverConformance } from "../conformance/cases.js";
import { bodyBytes, cgiParams, parseCgiResponse } from "../../support/cgi-response.js";
import { FastCgiClient } from "../../support/fastcgi-client.js";

serverConformance({
  async start(app) {
    const log = memorySink();
    const stderr: string[] = [];
    const server = await serveFastCgi(app, { bind: "127.0.0.1:0", log });
    const port = server.port as number;
    const clients = new Set<FastCgiClient>();
    let client: FastCgiClient | undefined;
    let nextId = 1;
    return {
      async fetch(method, path, init = {}) {
        if (client === undefined || client.ended) {
          client = await FastCgiClient.connect(port);
          clients.add(client);
        }
        const body = await bodyBytes(init.body);
        const id = nextId++;
        const result = await client.request(cgiParams(method, path, init.headers ?? [], body?.length, port), { id, ...(body === undefined ? {} : { body }) });
        if (result.stderr !== "") stderr.push(...result.stderr.trimEnd().split("\n"));
        const reply = parseCgiResponse(result.stdout);
        return { status: reply.status, headers: reply.headers, body: reply.body };
      },
      async disconnectMidReply(path) {
        const c = await FastCgiClient.connect(port);
        const firstBody = new Promise<void>((resolve) => {
          c.socket.on("data", () => {
            if (c.records.some((r) => r.type === RecordType.STDOUT && r.content.length > 0)) resolve();
          });
        });
        void c.send(FastCgiClient.encodeRequest(cgiParams("GET", path, [], undefined, port), { id: 1 }));
        await firstBody;
        c.close();
      },
      logs: () => [...log.lines, ...stderr],
      async close() {
        for (const c of clients) c.close();
        await server.close({ graceMs: 1000 });
      },
    };
  },
});
