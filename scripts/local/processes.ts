/**
 * Child processes of the local stack. Each is spawned detached, as the leader of its own process
 * group, so that stopping it also stops whatever it started (serverless-offline's workers).
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Polls `check` until it answers true; throws when `died` gives a reason or time runs out. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  died: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = died();
    if (reason) throw new Error(`${what} stopped while starting: ${reason}`);
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`${what} was not ready within ${Math.round(timeoutMs / 1000)} s`);
}

/** Signals a child's whole process group (children are spawned detached, as group leaders). */
export function killGroup(pid: number, signal: NodeJS.Signals = "SIGTERM"): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** True while a process exists and has not exited (a zombie awaiting its parent counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; the comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

/**
 * SIGKILLs the process groups led by `pids` (what a crashed run left behind) and waits until
 * their leaders are gone, so that the ports they held are free when this resolves.
 */
export async function killGroupsAndWait(pids: readonly number[], timeoutMs = 10_000) {
  for (const pid of pids) killGroup(pid, "SIGKILL");
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isRunning) && Date.now() < deadline) await sleep(50);
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once("exit", () => done());
  });
}

/** SIGTERM to the child's group, SIGKILL after 5 s; resolves when the child has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  killGroup(child.pid, "SIGTERM");
  const gone = await Promise.race([exited(child).then(() => true), sleep(5000).then(() => false)]);
  if (!gone) {
    killGroup(child.pid, "SIGKILL");
    await exited(child);
  }
}

/** Calls `each` with every complete line of a child's output stream. */
export function lines(stream: NodeJS.ReadableStream | null, each: (line: string) => void): void {
  let buffer = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const part of parts) each(part);
  });
}
