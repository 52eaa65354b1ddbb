import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../triggers/pre-authentication.js";
import { invoke, preAuthenticationEvents } from "../fixtures/cognito-events.js";
import { SECRET_TABLE, dynamoFaults } from "../fixtures/dynamo-faults.js";
import { captureLogs } from "../support/captured-logs.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
const table = mockClient(DynamoDBDocumentClient);
captureLogs();

beforeEach(() => {
  table.reset();
  table.rejects(new Error("unexpected DynamoDB call"));
});

describe("pre-authentication", () => {
  it("PreAuthentication_Authentication: looks the profile up by sub", async () => {
    table.on(GetCommand).resolves({});
    const event = preAuthenticationEvents.PreAuthentication_Authentication();
    const sub = event.request.userAttributes["sub"];

    await expect(invoke(handler, event)).resolves.toBe(event);
    expect(table.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({
      pk: `USER#${sub}`,
      sk: "PROFILE",
    });
  });

  it.each(dynamoFaults)(
    "PreAuthentication_Authentication: refuses the sign-in when DynamoDB fails with %s",
    async (_, fault) => {
      table.on(GetCommand).rejects(fault());
      const event = preAuthenticationEvents.PreAuthentication_Authentication();

      const failure = invoke(handler, event);

      await expect(failure).rejects.toThrow(
        /^We could not sign you in right now\. Please try again\.$/,
      );
    },
  );

  it("PreAuthentication_Authentication: leaves an unknown user to Cognito without a lookup", async () => {
    const event = preAuthenticationEvents.PreAuthentication_Authentication({
      attributes: {},
      userNotFound: true,
    });

    await expect(invoke(handler, event)).resolves.toBe(event);
    expect(table.calls()).toHaveLength(0);
  });

  it("PreAuthentication_Authentication: refuses a user without a sub", async () => {
    const event = preAuthenticationEvents.PreAuthentication_Authentication({
      attributes: { email: "ada@example.com" },
    });

    await expect(invoke(handler, event)).rejects.toThrow("We could not sign you in right now.");
  });

  it("refuses a trigger source it does not know", async () => {
    const event = {
      ...preAuthenticationEvents.PreAuthentication_Authentication(),
      triggerSource: "PreAuthentication_Future",
    };

    await expect(invoke(handler, event as never)).rejects.toThrow("This request is not supported.");
  });
});
