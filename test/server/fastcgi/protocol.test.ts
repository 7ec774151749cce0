// FastCGI protocol features at the socket level: keep-conn both ways, multiplexing, CANT_MPX_CONN,
// GET_VALUES, UNKNOWN_TYPE, UNKNOWN_ROLE, AUTHORIZER, STDERR, framing after END_REQUEST.
import { describe, expect, it } from "vitest";
import { FCGI_MAX_CONNS, FCGI_MAX_REQS, FCGI_MPXS_CONNS, ProtocolStatus, RecordType, Role, encodeRecord } from "tsgi/protocol/fastcgi";
import { cgiParams, parseCgiResponse } from "../../support/cgi-response.js";
import { FastCgiClient, framingProblems } from "../../support/fastcgi-client.js";
import { gate, sleep, start, TEXT, waitFor } from "./harness.js";

const hello = (): { status: number; headers: Array<[string, string]>; body: string } => ({ status: 200, headers: [TEXT], body: "hello" });

describe("FastCGI keep-conn", () => {
  it("keeps the connection after END_REQUEST when FCGI_KEEP_CONN is set, and serves the next request on it", async () => {
    const { client } = await start(hello);
    const c = await client();
    for (let id = 1; id <= 3; id++) {
      const result = await c.request(cgiParams("GET", "/"), { id: 1, keepConn: true });
      expect(parseCgiResponse(result.stdout).body.toString()).toBe("hello");
    }
    await sleep(100);
    expect(c.ended).toBe(false);
  });

  it("closes after END_REQUEST when FCGI_KEEP_CONN is 0: a FIN after the last record, no reset", async () => {
    const { client } = await start(hello);
    const c = await client();
    let reset = false;
    c.socket.on("error", () => {
      reset = true;
    });
    const result = await c.request(cgiParams("GET", "/"), { keepConn: false });
    expect(framingProblems(result.records)).toEqual([]);
    expect(await waitFor(() => c.ended)).toBe(true);
    c.socket.end();
    await c.closed;
    expect(reset).toBe(false);
  });

  it("closes without a reset even when the web server is still sending a body the app never read", async () => {
    const { client } = await start(() => ({ status: 200, headers: [TEXT], body: "early" }));
    const c = await client();
    let reset = false;
    c.socket.on("error", () => {
      reset = true;
    });
    const bytes = FastCgiClient.encodeRequest(cgiParams("POST", "/", {}, 3_000_000), { keepConn: false, body: Buffer.alloc(3_000_000, 1) });
    const result = c.expect(1);
    c.socket.write(bytes);
    expect(parseCgiResponse((await result).stdout).body.toString()).toBe("early");
    expect(await waitFor(() => c.ended, 5000)).toBe(true);
    c.socket.end();
    await c.closed;
    expect(reset).toBe(false);
  });
});

describe("FastCGI concurrency", () => {
  it("serves 50 kept connections at once in one process (each request waits until all 50 are in flight)", async () => {
    const all = gate();
    let waiting = 0;
    const { client, server } = await start(async () => {
      if (++waiting === 50) all.open();
      await all.promise;
      return hello();
    });
    const clients = await Promise.all(Array.from({ length: 50 }, () => client()));
    const results = await Promise.all(clients.map((c) => c.request(cgiParams("GET", "/"))));
    expect(results.map((r) => parseCgiResponse(r.stdout).body.toString())).toEqual(Array(50).fill("hello"));
    expect(server.served).toBe(50);
  });
});

describe("FastCGI multiplexing", () => {
  it("serves many requests at once on one connection, answering each as it finishes", async () => {
    const slow = gate();
    const { client } = await start(async (env) => {
      if (env.PATH_INFO === "/slow") await slow.promise;
      return { status: 200, headers: [TEXT], body: env.PATH_INFO };
    });
    const c = await client();
    const order: number[] = [];
    const first = c.request(cgiParams("GET", "/slow"), { id: 1 }).then((r) => {
      order.push(1);
      return r;
    });
    const others = [2, 3, 4].map((id) => c.request(cgiParams("GET", `/fast${id}`), { id }).then((r) => {
      order.push(id);
      return r;
    }));
    const fast = await Promise.all(others);
    expect(fast.map((r) => parseCgiResponse(r.stdout).body.toString())).toEqual(["/fast2", "/fast3", "/fast4"]);
    slow.open();
    expect(parseCgiResponse((await first).stdout).body.toString()).toBe("/slow");
    expect(order[order.length - 1]).toBe(1);
  });

  it("answers CANT_MPX_CONN for a second request when multiplexing is off, and still serves the first", async () => {
    const slow = gate();
    const { client } = await start(async () => {
      await slow.promise;
      return hello();
    }, { multiplex: false });
    const c = await client();
    const first = c.request(cgiParams("GET", "/"), { id: 1 });
    await sleep(30);
    const second = await c.request(cgiParams("GET", "/"), { id: 2 });
    expect(second.protocolStatus).toBe(ProtocolStatus.CANT_MPX_CONN);
    expect(second.stdout.length).toBe(0);
    slow.open();
    const done = await first;
    expect(done.protocolStatus).toBe(ProtocolStatus.REQUEST_COMPLETE);
    expect(parseCgiResponse(done.stdout).body.toString()).toBe("hello");
  });
});

describe("FastCGI management records and roles", () => {
  it("answers GET_VALUES truthfully, leaves unknown names out, and keeps the connection usable", async () => {
    const { client } = await start(hello, { maxConns: 7, maxReqs: 3 });
    const c = await client();
    const values = await c.getValues([FCGI_MAX_CONNS, FCGI_MAX_REQS, FCGI_MPXS_CONNS, "FCGI_SOMETHING_ELSE"]);
    expect(values).toEqual([[FCGI_MAX_CONNS, "7"], [FCGI_MAX_REQS, "3"], [FCGI_MPXS_CONNS, "1"]]);
    const result = await c.request(cgiParams("GET", "/"));
    expect(parseCgiResponse(result.stdout).body.toString()).toBe("hello");
  });

  it("advertises FCGI_MPXS_CONNS 0 when multiplexing is off", async () => {
    const { client } = await start(hello, { multiplex: false });
    expect(await (await client()).getValues([FCGI_MPXS_CONNS])).toEqual([[FCGI_MPXS_CONNS, "0"]]);
  });

  it("answers UNKNOWN_TYPE for an unknown management record and keeps serving", async () => {
    const { client } = await start(hello);
    const c = await client();
    const answer = c.nextManagement();
    c.socket.write(encodeRecord(77, 0, Buffer.from("??")));
    const record = await answer;
    expect(record.type).toBe(RecordType.UNKNOWN_TYPE);
    expect(record.content[0]).toBe(77);
    expect(record.content.length).toBe(8);
    expect(parseCgiResponse((await c.request(cgiParams("GET", "/"))).stdout).status).toBe(200);
  });

  it("answers UNKNOWN_ROLE for FILTER and for an unknown role", async () => {
    const { client } = await start(hello);
    const c = await client();
    expect((await c.request(cgiParams("GET", "/"), { id: 1, role: Role.FILTER })).protocolStatus).toBe(ProtocolStatus.UNKNOWN_ROLE);
    expect((await c.request(cgiParams("GET", "/"), { id: 2, role: 9 })).protocolStatus).toBe(ProtocolStatus.UNKNOWN_ROLE);
    expect(parseCgiResponse((await c.request(cgiParams("GET", "/"), { id: 3 })).stdout).status).toBe(200);
  });

  it("serves the AUTHORIZER role with FCGI_ROLE set and an empty body, and refuses it when turned off", async () => {
    const { client } = await start(async (env) => {
      let bytes = 0;
      for await (const chunk of env["tsgi.input"]) bytes += chunk.length;
      return { status: env.HTTP_AUTHORIZATION === "yes" ? 200 : 403, headers: [TEXT, ["variable-user", "ann"]], body: `${String(env.FCGI_ROLE)} ${bytes}` };
    });
    const c = await client();
    const allowed = parseCgiResponse((await c.request(cgiParams("GET", "/", { authorization: "yes" }), { role: Role.AUTHORIZER, body: "ignored" })).stdout);
    expect(allowed.status).toBe(200);
    expect(allowed.body.toString()).toBe("AUTHORIZER 0");
    const { client: client2 } = await start(hello, { authorizer: false });
    expect((await (await client2()).request(cgiParams("GET", "/"), { role: Role.AUTHORIZER })).protocolStatus).toBe(ProtocolStatus.UNKNOWN_ROLE);
  });

  it("sets FCGI_ROLE RESPONDER for ordinary requests", async () => {
    const { client } = await start((env) => ({ status: 200, headers: [TEXT], body: String(env.FCGI_ROLE) }));
    expect(parseCgiResponse((await (await client()).request(cgiParams("GET", "/"))).stdout).body.toString()).toBe("RESPONDER");
  });
});

describe("FastCGI streams", () => {
  it("writes tsgi.errors as FCGI_STDERR records of the request", async () => {
    const { client } = await start((env) => {
      env["tsgi.errors"].write("something to note");
      return hello();
    });
    const result = await (await client()).request(cgiParams("GET", "/"));
    expect(result.stderr).toBe("something to note\n");
    expect(result.records.filter((r) => r.type === RecordType.STDERR).length).toBeGreaterThan(0);
    expect(framingProblems(result.records)).toEqual([]);
  });

  it("sends a 500 and logs the stack once to the server's log when the app throws", async () => {
    const { client, log } = await start(() => {
      throw new Error("kaput");
    });
    const result = await (await client()).request(cgiParams("GET", "/boom"));
    expect(parseCgiResponse(result.stdout).status).toBe(500);
    expect(parseCgiResponse(result.stdout).body.toString()).not.toContain("kaput");
    expect(log.lines.filter((line) => line.includes("kaput"))).toHaveLength(1);
  });

  it("cuts the connection when a stream fails midway, so the web server aborts the client's reply", async () => {
    const { client, log } = await start(() => ({
      status: 200,
      headers: [TEXT],
      body: (async function* () {
        yield "part";
        throw new Error("stream broke");
      })(),
    }), {}, true);
    const c = await client();
    const closed = new Promise<void>((resolve) => c.socket.once("close", () => resolve()));
    void c.send(FastCgiClient.encodeRequest(cgiParams("GET", "/"), { id: 1 })).catch(() => undefined);
    await closed;
    expect(c.records.some((r) => r.type === RecordType.END_REQUEST)).toBe(false);
    expect(Buffer.concat(c.records.filter((r) => r.type === RecordType.STDOUT).map((r) => r.content)).toString()).toMatch(/part$/);
    expect(log.lines.join("\n")).toMatch(/failed after it started[\s\S]*stream broke/);
  });

  it("sends no body for HEAD", async () => {
    const { client } = await start(hello);
    const result = await (await client()).request(cgiParams("HEAD", "/"));
    expect(parseCgiResponse(result.stdout).body.length).toBe(0);
  });

  it("treats CONTENT_LENGTH '' as no body, and a body shorter than announced ends at the empty STDIN without hanging", async () => {
    const { client } = await start(async (env) => {
      let bytes = 0;
      for await (const chunk of env["tsgi.input"]) bytes += chunk.length;
      return { status: 200, headers: [TEXT], body: `got ${bytes}` };
    }, {}, true);
    const c = await client();
    expect(parseCgiResponse((await c.request(cgiParams("GET", "/"), { id: 1 })).stdout).body.toString()).toBe("got 0");
    expect(parseCgiResponse((await c.request(cgiParams("POST", "/", {}, 10), { id: 2, body: "abc" })).stdout).body.toString()).toBe("got 3");
  });
});

describe("FastCGI env", () => {
  it("leaks no state between requests reusing an id on one connection", async () => {
    const { client } = await start((env) => ({ status: 200, headers: [TEXT], body: `${String(env.HTTP_X_SECRET)} ${String(env.marker)}` }));
    const c = await client();
    const first = await c.request(cgiParams("GET", "/", { "x-secret": "s3cret" }), { id: 1 });
    expect(parseCgiResponse(first.stdout).body.toString()).toBe("s3cret undefined");
    const second = await c.request(cgiParams("GET", "/"), { id: 1 });
    expect(parseCgiResponse(second.stdout).body.toString()).toBe("undefined undefined");
  });

  it("re-splits SCRIPT_NAME/PATH_INFO at the scriptName mount from REQUEST_URI, never slicing badly", async () => {
    const { client } = await start((env) => ({ status: 200, headers: [TEXT], body: JSON.stringify([env.SCRIPT_NAME, env.PATH_INFO]) }), { scriptName: "/app" });
    const c = await client();
    const nginxStyle = (uri: string): Array<[string, string]> => cgiParams("GET", uri).map(([name, value]) => {
      if (name === "SCRIPT_NAME") return [name, uri.split("?")[0] as string];
      if (name === "PATH_INFO") return [name, ""];
      return [name, value];
    });
    expect(parseCgiResponse((await c.request(nginxStyle("/app/x/y?z=1"), { id: 1 })).stdout).body.toString()).toBe('["/app","/x/y"]');
    expect(parseCgiResponse((await c.request(nginxStyle("/app"), { id: 2 })).stdout).body.toString()).toBe('["/app",""]');
    expect(parseCgiResponse((await c.request(nginxStyle("/application/x"), { id: 3 })).stdout).body.toString()).toBe('["/application/x",""]');
  });

  it("passes CONTENT_TYPE and CONTENT_LENGTH but never HTTP_CONTENT_TYPE or HTTP_CONTENT_LENGTH (nginx sends both)", async () => {
    const { client } = await start((env) => ({ status: 200, headers: [TEXT], body: `${String(env.CONTENT_TYPE)} ${String(env.HTTP_CONTENT_TYPE)} ${String(env.HTTP_CONTENT_LENGTH)}` }));
    const params: Array<[string, string]> = [...cgiParams("POST", "/", { "content-type": "text/plain" }, 2), ["HTTP_CONTENT_TYPE", "text/plain"], ["HTTP_CONTENT_LENGTH", "2"]];
    const reply = await (await client()).request(params, { body: "hi" });
    expect(parseCgiResponse(reply.stdout).body.toString()).toBe("text/plain undefined undefined");
  });

  it("listens on loopback port 9000 when no bind is given", async () => {
    const { listenTarget } = await import("../../../src/server/listen.js");
    expect(listenTarget(undefined, 9000)).toEqual({ kind: "tcp", host: "127.0.0.1", port: 9000 });
    expect(listenTarget("fd:0", 9000)).toEqual({ kind: "fd", fd: 0 });
  });
});
