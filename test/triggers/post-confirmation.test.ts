import { PutCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { PostConfirmationTriggerHandler } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { handler } from "../../triggers/post-confirmation.js";
import { invoke, postConfirmationEvents } from "../fixtures/cognito-events.js";
import { SECRET_TABLE, dynamoFaults } from "../fixtures/dynamo-faults.js";
import { captureLogs } from "../support/captured-logs.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
const table = mockClient(DynamoDBDocumentClient);
const logs = captureLogs();

beforeEach(() => {
  table.reset();
  table.rejects(new Error("unexpected DynamoDB call"));
});

describe("post-confirmation", () => {
  it("is a PostConfirmation handler", () => {
    expectTypeOf(handler).toExtend<PostConfirmationTriggerHandler>();
  });

  it("PostConfirmation_ConfirmSignUp: creates the profile only if it does not exist yet", async () => {
    table.on(PutCommand).resolves({});
    const event = postConfirmationEvents.PostConfirmation_ConfirmSignUp({
      email: "Ada@Example.com",
    });
    const sub = event.request.userAttributes["sub"];

    const result = await invoke(handler, event);

    expect(result).toBe(event);
    const put = table.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.ConditionExpression).toBe("attribute_not_exists(pk)");
    expect(put?.Item).toMatchObject({ pk: `USER#${sub}`, sub, email: "ada@example.com" });
  });

  it.each(dynamoFaults)(
    "PostConfirmation_ConfirmSignUp: confirms anyway when DynamoDB fails with %s",
    async (_, fault) => {
      table.on(PutCommand).rejects(fault());
      const event = postConfirmationEvents.PostConfirmation_ConfirmSignUp();

      await expect(invoke(handler, event)).resolves.toBe(event);
      expect(logs.lines().join("\n")).toContain("profile not created");
    },
  );

  it("PostConfirmation_ConfirmForgotPassword: changes nothing and touches no data", async () => {
    const event = postConfirmationEvents.PostConfirmation_ConfirmForgotPassword();
    const before = structuredClone(event);

    const result = await invoke(handler, event);

    expect(result).toEqual(before);
    expect(table.calls()).toHaveLength(0);
  });

  it("refuses a trigger source it does not know", async () => {
    const event = {
      ...postConfirmationEvents.PostConfirmation_ConfirmSignUp(),
      triggerSource: "PostConfirmation_Future",
    };

    await expect(invoke(handler, event as never)).rejects.toThrow("This request is not supported.");
    expect(table.calls()).toHaveLength(0);
  });
});
