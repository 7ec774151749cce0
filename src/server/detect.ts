/** `--server auto`: which server the process was started for. @module */
import { fstatSync, readFileSync, readlinkSync } from "node:fs";

/** The servers `tsgi serve` can run. */
export type ServerKind = "http" | "cgi" | "fastcgi" | "scgi";

/** What auto-detection looks at; injectable for tests. */
export interface DetectProbe {
  env: Record<string, string | undefined>;
  /** True when the descriptor is a socket that accepts connections (handed over by a web server). */
  isListeningSocket(fd: number): boolean;
}

function socketInode(fd: number): string | undefined {
  try {
    return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
  } catch {
    return undefined;
  }
}

function procTable(name: string): string[] {
  try {
    return readFileSync(`/proc/net/${name}`, "latin1").split("\n").slice(1);
  } catch {
    return [];
  }
}

/**
 * True when `fd` is a listening socket. A connected socket (node's own stdio pipes are socketpairs)
 * is not: on Linux the socket's inode is looked up in /proc/net/{unix,tcp,tcp6} for its listening state;
 * where /proc is missing, any socket counts.
 */
export function isListeningSocket(fd: number): boolean {
  try {
    if (!fstatSync(fd).isSocket()) return false;
  } catch {
    return false;
  }
  const inode = socketInode(fd);
  if (inode === undefined) return true;
  for (const line of procTable("unix")) {
    const cols = line.trim().split(/\s+/);
    // Num RefCount Protocol Flags Type St Inode [Path]; Flags 00010000 = __SO_ACCEPTCON (listening).
    if (cols[6] === inode) return cols[3] === "00010000";
  }
  for (const table of ["tcp", "tcp6"]) {
    for (const line of procTable(table)) {
      const cols = line.trim().split(/\s+/);
      // sl local rem st tx:rx tr:when retrnsmt uid timeout inode; st 0A = LISTEN.
      if (cols[9] === inode) return cols[3] === "0A";
    }
  }
  return false;
}

const systemProbe: DetectProbe = { env: process.env, isListeningSocket };

/**
 * `--server auto`: CGI when `GATEWAY_INTERFACE` is set (a web server ran this process for one request);
 * FastCGI when fd 0 is a listening socket handed over by a web server (lighttpd `bin-path`, mod_fcgid,
 * spawn-fcgi); HTTP otherwise.
 *
 * @example
 * ```ts
 * detectServer() // "http" in a terminal, "cgi" under Apache mod_cgi
 * ```
 */
export function detectServer(probe: DetectProbe = systemProbe): ServerKind {
  const gateway = probe.env.GATEWAY_INTERFACE;
  if (gateway !== undefined && gateway !== "") return "cgi";
  if (probe.isListeningSocket(0)) return "fastcgi";
  return "http";
}
