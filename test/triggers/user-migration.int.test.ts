import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { seedLegacyUsers } from "../../scripts/local/seed.js";
import { dynamo } from "../../shared/runtime/aws.js";
import { getLegacyUser } from "../../shared/cognito/legacy-users.js";
import { handler } from "../../triggers/user-migration.js";
import { invoke, userMigrationEvents } from "../fixtures/cognito-events.js";
import { captureLogs } from "../support/captured-logs.js";
import { useLocalData } from "../support/local-data.js";
import { stack } from "../support/stack.js";

const logs = captureLogs();
const FAILED = /^Incorrect username or password\.$/;
const STRONG = "Str0ng-Legacy-Pass";
const WEAK = "weakpass";

const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.com`;
const strongUser = unique("strong");
const weakUser = unique("weak");
const resettable = unique("resettable");

beforeAll(async () => {
  useLocalData();
  vi.stubEnv("LEGACY_USERS_TABLE", stack().dynamodb.tables.legacyUsers);
  vi.stubEnv("ALLOWED_EMAIL_DOMAINS", stack().allowedEmailDomains.join(","));
  await seedLegacyUsers(dynamo(), stack().dynamodb.tables.legacyUsers, [
    { email: strongUser, password: STRONG },
    { email: weakUser.toUpperCase(), password: WEAK },
    { email: resettable, password: STRONG, resetAllowed: true },
  ]);
});

const authenticate = (userName: string, password: string) =>
  invoke(handler, userMigrationEvents.UserMigration_Authentication({ userName, password }));

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "migrated",
    (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : "?"),
  );

async function millis(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[1] ?? 0;
}

describe("user-migration (DynamoDB Local)", () => {
  it("seeds bcrypt hashes under the lower-case email", async () => {
    const stored = await getLegacyUser(weakUser);

    expect(stored?.email).toBe(weakUser.toLowerCase());
    expect(stored?.passwordHash).toMatch(/^\$2[aby]\$10\$/);
  });

  it("UserMigration_Authentication: migrates the seeded user, confirmed, verified and silently", async () => {
    const result = await authenticate(
      stack().seed.legacyUser.email,
      stack().seed.legacyUser.password,
    );

    expect(result.response).toEqual({
      userAttributes: { email: stack().seed.legacyUser.email, email_verified: "true" },
      finalUserStatus: "CONFIRMED",
      messageAction: "SUPPRESS",
      desiredDeliveryMediums: ["EMAIL"],
    });
  });

  it("UserMigration_Authentication: finds the user whatever the case of the email", async () => {
    const result = await authenticate(strongUser.toUpperCase(), STRONG);

    expect(result.response.userAttributes).toEqual({ email: strongUser, email_verified: "true" });
  });

  it("UserMigration_Authentication: migrates a weak legacy password with a required reset", async () => {
    const result = await authenticate(weakUser, WEAK);

    expect(result.response.finalUserStatus).toBe("RESET_REQUIRED");
    expect(result.response.messageAction).toBe("SUPPRESS");
  });

  it("UserMigration_Authentication: a repeat gives the same answer and changes nothing", async () => {
    const first = await authenticate(strongUser, STRONG);
    const second = await authenticate(strongUser, STRONG);

    expect(second.response).toEqual(first.response);
    expect(await getLegacyUser(strongUser)).toBeDefined();
  });

  it("UserMigration_Authentication: fails identically for a wrong password and an unknown user", async () => {
    const wrong = await failure(authenticate(strongUser, "Wr0ng-Legacy-Pass"));
    const unknown = await failure(authenticate(unique("nobody"), STRONG));
    const disallowed = await failure(authenticate("strong@gmail.com", STRONG));

    expect(wrong).toMatch(/^TriggerError: Incorrect username or password\.$/);
    expect(unknown).toBe(wrong);
    expect(disallowed).toBe(wrong);
  });

  it("UserMigration_Authentication: takes about as long for an unknown user as for a wrong password", async () => {
    const wrong = await millis(() => failure(authenticate(strongUser, "Wr0ng-Legacy-Pass")));
    const unknown = await millis(() => failure(authenticate(unique("nobody"), STRONG)));

    expect(unknown / wrong).toBeGreaterThan(0.25);
    expect(unknown / wrong).toBeLessThan(4);
  });

  it("UserMigration_ForgotPassword: migrates a record that allows resets, without a final status", async () => {
    const result = await invoke(
      handler,
      userMigrationEvents.UserMigration_ForgotPassword({ userName: resettable }),
    );

    expect(result.response).toEqual({
      userAttributes: { email: resettable, email_verified: "true" },
      messageAction: "SUPPRESS",
      desiredDeliveryMediums: ["EMAIL"],
    });
  });

  it("UserMigration_ForgotPassword: refuses any other legacy user, as an unknown one", async () => {
    const event = userMigrationEvents.UserMigration_ForgotPassword({ userName: strongUser });

    await expect(invoke(handler, event)).rejects.toThrow(FAILED);
  });

  it("UserMigration_ForgotPassword: refuses an unknown user with the same message", async () => {
    const event = userMigrationEvents.UserMigration_ForgotPassword({ userName: unique("nobody") });

    await expect(invoke(handler, event)).rejects.toThrow(FAILED);
  });

  it("never writes a password to a log, whatever the outcome", async () => {
    const passwords = [STRONG, "Wr0ng-Legacy-Pass", WEAK, "An0ther-Unknown-Pass"];

    await failure(authenticate(strongUser, STRONG));
    await failure(authenticate(strongUser, "Wr0ng-Legacy-Pass"));
    await failure(authenticate(weakUser, WEAK));
    await failure(authenticate(unique("nobody"), "An0ther-Unknown-Pass"));

    const written = logs.lines();
    expect(written.length).toBeGreaterThanOrEqual(4);
    for (const password of passwords) {
      expect(written.join("\n")).not.toContain(password);
    }
  });
});
