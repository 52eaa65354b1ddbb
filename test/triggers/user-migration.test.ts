import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../triggers/user-migration.js";
import { invoke, userMigrationEvents } from "../fixtures/cognito-events.js";
import { SECRET_TABLE, dynamoFaults } from "../fixtures/dynamo-faults.js";
import { captureLogs } from "../support/captured-logs.js";

vi.stubEnv("LEGACY_USERS_TABLE", SECRET_TABLE);
vi.stubEnv("ALLOWED_EMAIL_DOMAINS", "example.com");
const table = mockClient(DynamoDBDocumentClient);
const logs = captureLogs();

const FAILED = /^Incorrect username or password\.$/;
const PASSWORD = "Sup3r-Secret-Passw0rd";

beforeEach(() => {
  table.reset();
  table.rejects(new Error("unexpected DynamoDB call"));
});

const sources = Object.keys(userMigrationEvents) as (keyof typeof userMigrationEvents)[];
const refusedNames = [
  "ada@gmail.com",
  "ada@mail.example.com",
  "legacy@example.com ",
  "legacy@ex\u0430mple.com",
  '"legacy"@example.com',
  "not an email",
];

describe("user-migration", () => {
  it.each(sources)(
    "%s: refuses a disallowed or malformed username like any unknown user, without a lookup",
    async (source) => {
      for (const userName of refusedNames) {
        const event = userMigrationEvents[source]({ userName, password: PASSWORD });

        await expect(invoke(handler, event)).rejects.toThrow(FAILED);
      }
      expect(table.calls()).toHaveLength(0);
    },
  );

  it.each(sources)("%s: fails like an unknown user when the store is down", async (source) => {
    for (const [, fault] of dynamoFaults) {
      table.on(GetCommand).rejects(fault());

      const error = await invoke(
        handler,
        userMigrationEvents[source]({ password: PASSWORD }),
      ).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(FAILED);
    }
    expect(logs.lines().join("\n")).not.toContain(PASSWORD);
  });

  it.each(sources)("%s: never writes the password to a log", async (source) => {
    table.on(GetCommand).rejects(new Error(`boom ${PASSWORD}`));

    await invoke(handler, userMigrationEvents[source]({ password: PASSWORD })).catch(
      () => undefined,
    );
    await invoke(
      handler,
      userMigrationEvents[source]({ userName: "x@gmail.com", password: PASSWORD }),
    ).catch(() => undefined);

    expect(logs.lines().length).toBeGreaterThan(0);
    expect(logs.lines().join("\n")).not.toContain(PASSWORD);
  });

  it("UserMigration_Authentication: refuses an event without a password", async () => {
    table.on(GetCommand).resolves({});
    const event = userMigrationEvents.UserMigration_Authentication();
    Reflect.deleteProperty(event.request, "password");

    await expect(invoke(handler, event)).rejects.toThrow(FAILED);
  });

  it("refuses a trigger source it does not know", async () => {
    const event = {
      ...userMigrationEvents.UserMigration_Authentication(),
      triggerSource: "UserMigration_Future",
    };

    await expect(invoke(handler, event as never)).rejects.toThrow("This request is not supported.");
  });
});
