import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../triggers/post-authentication.js";
import { invoke, postAuthenticationEvents } from "../fixtures/cognito-events.js";
import { SECRET_TABLE, dynamoFaults } from "../fixtures/dynamo-faults.js";
import { captureLogs } from "../support/captured-logs.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
const table = mockClient(DynamoDBDocumentClient);
const logs = captureLogs();

beforeEach(() => {
  table.reset();
});

describe("post-authentication", () => {
  it.each(dynamoFaults)(
    "PostAuthentication_Authentication: never fails the sign-in, also when DynamoDB fails with %s",
    async (_, fault) => {
      table.rejects(fault());
      const event = postAuthenticationEvents.PostAuthentication_Authentication();
      const before = structuredClone(event);

      const result = await invoke(handler, event);

      expect(result).toEqual(before);
      expect(logs.lines().join("\n")).toContain("could not record the sign-in");
    },
  );

  it("PostAuthentication_Authentication: never fails the sign-in of a user without a sub", async () => {
    const event = postAuthenticationEvents.PostAuthentication_Authentication({
      attributes: { email: "ada@example.com" },
    });

    await expect(invoke(handler, event)).resolves.toBe(event);
    expect(table.calls()).toHaveLength(0);
  });

  it("refuses a trigger source it does not know", async () => {
    const event = {
      ...postAuthenticationEvents.PostAuthentication_Authentication(),
      triggerSource: "PostAuthentication_Future",
    };

    await expect(invoke(handler, event as never)).rejects.toThrow("This request is not supported.");
  });
});
