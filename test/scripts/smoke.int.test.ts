import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stack } from "../support/stack.js";

const root = resolve(import.meta.dirname, "../..");
let dir: string;
let stackFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "smoke-"));
  stackFile = join(dir, "stack.json");
  writeFileSync(stackFile, JSON.stringify(stack()));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function smoke(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [
      join(root, "node_modules/tsx/dist/cli.mjs"),
      "scripts/smoke.ts",
      "--stage",
      "local",
      "--stack-file",
      stackFile,
      ...args,
    ],
    { cwd: root, encoding: "utf8", timeout: 240_000 },
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

async function userExists(email: string): Promise<boolean> {
  const { region, cognito } = stack();
  const client = new CognitoIdentityProviderClient({
    region,
    endpoint: cognito.endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    await client.send(new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: email }));
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === "UserNotFoundException") return false;
    throw error;
  } finally {
    client.destroy();
  }
}

const emailOf = (output: string) =>
  /sign up a throwaway user\s+\d+ ms\s+(\S+@\S+)/.exec(output)?.[1];

describe("npm run smoke -- --stage local", () => {
  it("passes every check against the local stack and removes the user it created", async () => {
    const { status, output } = smoke();
    const email = emailOf(output);

    expect(output, output).toContain("PASSED:");
    expect(status, output).toBe(0);
    for (const step of [
      "GET /health",
      "GET /me",
      "PUT /notes/{id} with If-Match",
      "upload through the presigned POST",
      "GET /files/{id} and download",
      "401 problem without a token",
      "403 problem on an admin route",
      "404 problem for an unknown route",
    ]) {
      expect(output).toMatch(new RegExp(`ok\\s+${step.replace(/[{}()/]/g, "\\$&")}`));
    }
    expect(email).toBeDefined();
    expect(await userExists(email ?? "")).toBe(false);
  }, 300_000);

  it("still removes what it created when a step fails, and says which step failed", async () => {
    const { status, output } = smoke("--fail-at", "POST /notes");
    const email = emailOf(output);

    expect(status, output).toBe(1);
    expect(output).toMatch(/FAIL\s+POST \/notes/);
    expect(output).toContain("Cleanup");
    expect(output).toMatch(/ok\s+delete the note/);
    expect(output).not.toMatch(/FAIL\s+delete/);
    expect(output).toContain("FAILED: 1 step failed");
    expect(await userExists(email ?? "")).toBe(false);
  }, 300_000);
});
