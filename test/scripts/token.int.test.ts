/**
 * `npm run token` against the running local stack (the test stack, found through a state folder
 * named by LOCAL_STATE_DIR, as `npm start` would leave it): a user of the legacy store signs in
 * and migrates, with no sign-up; an unknown user is signed up, confirmed and signed in.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DeliveredMessage } from "../../scripts/local/cognito.js";
import { seedLegacyUsers } from "../../scripts/local/seed.js";
import { run } from "../../scripts/token/run.js";
import { dynamo } from "../../shared/runtime/aws.js";
import { useLocalData } from "../support/local-data.js";
import { stack, stackLogsDir } from "../support/stack.js";

const PASSWORD = "Legacy-Str0ng-pass";
const legacyEmail = `legacy-${randomUUID().slice(0, 8)}@example.com`;
const stateDir = mkdtempSync(join(tmpdir(), "token-int-"));

beforeAll(async () => {
  useLocalData();
  writeFileSync(join(stateDir, "stack.json"), JSON.stringify(stack()));
  writeFileSync(join(stateDir, "stack.lock"), JSON.stringify({ pid: process.pid, children: [] }));
  vi.stubEnv("LOCAL_STATE_DIR", stateDir);
  await seedLegacyUsers(dynamo(), stack().dynamodb.tables.legacyUsers, [
    { email: legacyEmail, password: PASSWORD },
  ]);
});

afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

async function token(email: string, password: string) {
  let stdout = "";
  let stderr = "";
  const code = await run(
    ["--email", email, "--password", password],
    { write: (text: string) => (stdout += text) },
    { write: (text: string) => (stderr += text) },
  );
  return { code, stdout, stderr };
}

function mailTo(address: string): DeliveredMessage[] {
  const file = join(stackLogsDir(), "mail.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as DeliveredMessage)
    .filter((message) => message.to === address);
}

function idClaims(stdout: string): Record<string, unknown> {
  const idToken = /ID_TOKEN=([\w-]+\.[\w-]+\.[\w-]+)/.exec(stdout)?.[1] ?? "";
  return JSON.parse(Buffer.from(idToken.split(".")[1] ?? "", "base64url").toString()) as Record<
    string,
    unknown
  >;
}

describe("npm run token against the local stack", () => {
  it("signs a legacy user in through UserMigration, without signing them up", async () => {
    const result = await token(legacyEmail, PASSWORD);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(idClaims(result.stdout)).toMatchObject({ email: legacyEmail, email_verified: true });
    expect(mailTo(legacyEmail)).toEqual([]);
  });

  it("refuses the migrated user's wrong password without creating anything", async () => {
    const result = await token(legacyEmail, "Wrong-Str0ng-pass");

    expect(result).toEqual({ code: 1, stdout: "", stderr: "Incorrect email or password.\n" });
    expect(mailTo(legacyEmail)).toEqual([]);
  });

  it("signs up, confirms and signs in a user nobody knows", async () => {
    const email = `new-${randomUUID().slice(0, 8)}@example.com`;

    const result = await token(email, "Brand-N3w-pass");

    expect(result.code).toBe(0);
    expect(idClaims(result.stdout)).toMatchObject({ email });
    expect(mailTo(email)).toHaveLength(1);
  });
});
