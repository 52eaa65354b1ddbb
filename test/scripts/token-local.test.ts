/**
 * `npm run token` for the local stage when the stack is not there: it reads the state folder of
 * `npm start` (LOCAL_STATE_DIR included) and says in plain words that the stack is not running,
 * whether stack.json is missing, left over from a killed run, or names a port nothing answers on.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { freePort } from "../../scripts/local/ports.js";
import type { StackInfo } from "../../scripts/local/stack-info.js";
import { run } from "../../scripts/token/run.js";

let stateDir: string;

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "token-state-"));
  vi.stubEnv("LOCAL_STATE_DIR", stateDir);
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(stateDir, { recursive: true, force: true });
});

async function token(args = ["--email", "alice@example.com"]) {
  let stdout = "";
  let stderr = "";
  const code = await run(
    args,
    { write: (text: string) => (stdout += text) },
    { write: (text: string) => (stderr += text) },
  );
  return { code, stdout, stderr };
}

function writeStack(cognitoPort: number, lockPid: number | undefined): void {
  const info: StackInfo = {
    stage: "local",
    region: "us-east-1",
    apiUrl: "http://127.0.0.1:1/local",
    demoUrl: "http://127.0.0.1:1/demo/",
    cognito: {
      endpoint: `http://127.0.0.1:${cognitoPort}`,
      userPoolId: "local_pool",
      userPoolClientId: "client",
      issuer: `http://127.0.0.1:${cognitoPort}/local_pool`,
    },
    dynamodb: { endpoint: "http://127.0.0.1:1", tables: { data: "d", legacyUsers: "l" } },
    s3: { endpoint: "http://127.0.0.1:1", bucket: "b" },
    allowedEmailDomains: ["example.com"],
    seed: {
      admin: { email: "admin@example.com", password: "x" },
      legacyUser: { email: "legacy@example.com", password: "y" },
    },
  };
  writeFileSync(join(stateDir, "stack.json"), JSON.stringify(info));
  if (lockPid !== undefined) {
    writeFileSync(join(stateDir, "stack.lock"), JSON.stringify({ pid: lockPid, children: [] }));
  }
}

describe("npm run token against a local stack that is not running", () => {
  it("looks for stack.json in LOCAL_STATE_DIR and says the stack is not running", async () => {
    const result = await token();

    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toBe(
      `The local stack is not running (no ${join(stateDir, "stack.json")}). ` +
        "Start it with `npm start` (with the same LOCAL_STATE_DIR) first.\n",
    );
  });

  it("recognises the stack.json a killed run left behind", async () => {
    writeStack(await freePort(), 2 ** 22 + 1);

    const result = await token();

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is left over from a run that did not stop cleanly");
  });

  it("turns a refused connection into the same plain message, not ECONNREFUSED", async () => {
    const port = await freePort();
    writeStack(port, process.pid);

    const result = await token();

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `The local stack does not answer at http://127.0.0.1:${port}. ` +
        "Start it with `npm start` (with the same LOCAL_STATE_DIR) first.\n",
    );
  });
});
