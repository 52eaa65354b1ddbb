/**
 * `npm start` as a user runs it: a second, independent stack in its own state folder and on free
 * ports (LOCAL_STATE_DIR and the *_PORT variables), so it never disturbs a developer's own stack.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, isPortFree } from "../../scripts/local/ports.js";
import { isRunning, killGroup } from "../../scripts/local/processes.js";
import type { StackInfo } from "../../scripts/local/stack-info.js";

const root = resolve(import.meta.dirname, "../..");
const stateDir = join(root, ".local", `start-test-${process.pid}`);
const tsx = join(root, "node_modules/tsx/dist/cli.mjs");

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function start(env: Record<string, string>): Run {
  let output = "";
  const child = spawn(process.execPath, [tsx, "scripts/local-stack.ts"], {
    cwd: root,
    detached: true,
    env: { ...process.env, ...env, LOCAL_STATE_DIR: stateDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { child, output: () => output, exit };
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((done) => setTimeout(done, 200));
  }
}

function readLock(): { pid: number; children: number[] } {
  return JSON.parse(readFileSync(join(stateDir, "stack.lock"), "utf8")) as {
    pid: number;
    children: number[];
  };
}

describe("npm start", () => {
  let env: Record<string, string>;
  let first: Run;
  /** The run the later tests stop (the restart after kill -9 replaces the first). */
  let current: Run;

  beforeAll(async () => {
    rmSync(stateDir, { recursive: true, force: true });
    env = {
      API_PORT: String(await freePort()),
      LAMBDA_PORT: String(await freePort()),
      COGNITO_PORT: String(await freePort()),
      DYNAMODB_PORT: String(await freePort()),
      S3_PORT: String(await freePort()),
      DEMO_PORT: String(await freePort()),
    };
    first = start(env);
    await until(() => first.output().includes("Local stack ready:"), 170_000);
    current = first;
  }, 180_000);

  afterAll(() => {
    // Only reached with work to do when a test failed: never leave the stack's processes behind.
    for (const run of [first, current]) {
      if (run.child.exitCode === null && run.child.pid) killGroup(run.child.pid, "SIGKILL");
    }
    const lockFile = join(stateDir, "stack.lock");
    if (existsSync(lockFile)) {
      const lock = JSON.parse(readFileSync(lockFile, "utf8")) as { children: number[] };
      for (const pid of lock.children) killGroup(pid, "SIGKILL");
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("prints one ready line with the API URL and writes stack.json as the contract describes", async () => {
    const apiUrl = `http://127.0.0.1:${env["API_PORT"]}/local`;
    const info = JSON.parse(readFileSync(join(stateDir, "stack.json"), "utf8")) as StackInfo;

    expect(first.output()).toContain(`Local stack ready: ${apiUrl}\n`);
    expect(first.output()).toContain(`curl -H "Authorization: Bearer $ACCESS_TOKEN" ${apiUrl}/me`);
    expect(info).toMatchObject({
      stage: "local",
      region: "us-east-1",
      apiUrl,
      demoUrl: `http://127.0.0.1:${env["DEMO_PORT"]}/demo/`,
      cognito: {
        endpoint: `http://127.0.0.1:${env["COGNITO_PORT"]}`,
        userPoolId: expect.stringMatching(/^local_/) as unknown,
        userPoolClientId: expect.any(String) as unknown,
        issuer: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/local_/) as unknown,
      },
      dynamodb: {
        endpoint: `http://127.0.0.1:${env["DYNAMODB_PORT"]}`,
        tables: { data: expect.any(String) as unknown, legacyUsers: expect.any(String) as unknown },
      },
      s3: { endpoint: `http://127.0.0.1:${env["S3_PORT"]}`, bucket: expect.any(String) as unknown },
      allowedEmailDomains: ["example.com"],
      seed: {
        admin: { email: "admin@example.com", password: expect.any(String) as unknown },
        legacyUser: { email: "legacy@example.com", password: expect.any(String) as unknown },
      },
    });
    expect((await fetch(`${apiUrl}/health`)).status).toBe(200);
  });

  it("refuses a second start while one runs, quickly and clearly, without harming the first", async () => {
    const second = start(env);

    const code = await second.exit;

    expect(code).toBe(1);
    expect(second.output()).toMatch(/already running \(pid \d+\)/);
    expect((await fetch(`http://127.0.0.1:${env["API_PORT"]}/local/health`)).status).toBe(200);
  });

  it("starts at the first try right after kill -9 of a running stack", async () => {
    const left = readLock();
    expect(left.children.length).toBeGreaterThanOrEqual(2);
    if (first.child.pid) killGroup(first.child.pid, "SIGKILL");
    await first.exit;
    expect(left.children.every(isRunning)).toBe(true);

    current = start(env);
    await until(
      () =>
        /Local stack ready:|could not start/.test(current.output()) ||
        current.child.exitCode !== null,
      170_000,
    );

    expect(current.output()).toContain("Cleaning up after a previous run");
    expect(current.output(), current.output().slice(-4000)).toContain("Local stack ready:");
    for (const pid of left.children) expect(isRunning(pid)).toBe(false);
    expect((await fetch(`http://127.0.0.1:${env["API_PORT"]}/local/health`)).status).toBe(200);
  }, 180_000);

  it("stops every process and frees every port on Ctrl-C", async () => {
    const lock = readLock();
    expect(lock.children.length).toBeGreaterThanOrEqual(2);

    if (current.child.pid) process.kill(-current.child.pid, "SIGINT");
    const code = await Promise.race([
      current.exit,
      new Promise((done) => setTimeout(() => done("still running after 45 s"), 45_000)),
    ]);

    expect(code, current.output().slice(-4000)).toBe(0);
    for (const port of Object.values(env)) expect(await isPortFree(Number(port))).toBe(true);
    for (const pid of lock.children) expect(isRunning(pid)).toBe(false);
    expect(existsSync(join(stateDir, "stack.lock"))).toBe(false);
  }, 60_000);
});
