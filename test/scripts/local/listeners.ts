/**
 * Which TCP ports a set of processes listens on, and on which address, read from Linux's
 * `/proc/net/tcp{,6}` (listening sockets) and `/proc/<pid>/fd` (which process owns which socket).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export interface Listener {
  /** The local address as the kernel reports it, e.g. `127.0.0.1` or `::ffff:127.0.0.1`. */
  address: string;
  port: number;
  inode: string;
}

const LISTEN = "0A";

/** `0100007F` (little-endian IPv4) -> `127.0.0.1`; 32 hex digits (IPv6, 4 LE words) -> `x:x:…`. */
export function decodeAddress(hex: string): string {
  if (hex.length === 8) {
    return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(".");
  }
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) =>
    [6, 4, 2, 0].map((i) => word.slice(i, i + 2)),
  );
  const groups = (bytes.join("").match(/.{4}/g) ?? []).map((g) => parseInt(g, 16).toString(16));
  const full = groups.join(":");
  const mapped = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(full);
  if (mapped?.[1] && mapped[2]) {
    const v4 = parseInt(mapped[1], 16) * 65536 + parseInt(mapped[2], 16);
    return `::ffff:${[24, 16, 8, 0].map((s) => (v4 >>> s) & 255).join(".")}`;
  }
  return full === "0:0:0:0:0:0:0:1" ? "::1" : full === "0:0:0:0:0:0:0:0" ? "::" : full;
}

/** The listening sockets in the text of `/proc/net/tcp` or `/proc/net/tcp6`. */
export function parseListeners(table: string): Listener[] {
  return table
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[3] === LISTEN)
    .map((cols) => {
      const [address = "", port = "0"] = (cols[1] ?? "").split(":");
      return { address: decodeAddress(address), port: parseInt(port, 16), inode: cols[9] ?? "" };
    });
}

/** True for 127.0.0.0/8, `::1` and IPv4-mapped loopback. */
export function isLoopback(address: string): boolean {
  return address === "::1" || /^(::ffff:)?127\./.test(address);
}

/** `pid` and all its descendants. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i] ?? 0) ?? []));
  return tree;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match?.[1]) inodes.add(match[1]);
      } catch {
        /* closed meanwhile */
      }
    }
  } catch {
    /* exited meanwhile */
  }
  return inodes;
}

/** Every listening TCP socket owned by one of `pids`. */
export function listenersOf(pids: readonly number[]): Listener[] {
  const owned = new Set(pids.flatMap((pid) => [...socketInodes(pid)]));
  return ["/proc/net/tcp", "/proc/net/tcp6"]
    .flatMap((file) => parseListeners(readFileSync(file, "utf8")))
    .filter((listener) => owned.has(listener.inode));
}
