import {
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { PutCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../triggers/post-confirmation.js";
import { invoke, postConfirmationEvents } from "../fixtures/cognito-events.js";
import { SECRET_TABLE, dynamoFaults } from "../fixtures/dynamo-faults.js";
import { captureLogs } from "../support/captured-logs.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
const table = mockClient(DynamoDBDocumentClient);
const pool = mockClient(CognitoIdentityProviderClient);
const logs = captureLogs();

beforeEach(() => {
  table.reset();
  table.rejects(new Error("unexpected DynamoDB call"));
  pool.reset();
  pool.on(AdminUserGlobalSignOutCommand).resolves({});
});

const signOuts = () =>
  pool.commandCalls(AdminUserGlobalSignOutCommand).map((call) => call.args[0].input);

describe("post-confirmation", () => {
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

  it("PostConfirmation_ConfirmForgotPassword: ends every earlier session and touches no data", async () => {
    const event = postConfirmationEvents.PostConfirmation_ConfirmForgotPassword();
    const before = structuredClone(event);

    const result = await invoke(handler, event);

    expect(result).toEqual(before);
    expect(table.calls()).toHaveLength(0);
    expect(signOuts()).toEqual([{ UserPoolId: event.userPoolId, Username: event.userName }]);
  });

  it("PostConfirmation_ConfirmSignUp: ends every earlier session too", async () => {
    table.on(PutCommand).resolves({});
    const event = postConfirmationEvents.PostConfirmation_ConfirmSignUp();

    await invoke(handler, event);

    expect(signOuts()).toEqual([{ UserPoolId: event.userPoolId, Username: event.userName }]);
  });

  it("confirms anyway, logging loudly, when the sign-out fails", async () => {
    pool.on(AdminUserGlobalSignOutCommand).rejects(new Error("throttled"));
    const event = postConfirmationEvents.PostConfirmation_ConfirmForgotPassword();

    await expect(invoke(handler, event)).resolves.toBe(event);
    expect(logs.lines().join("\n")).toContain("earlier sessions not ended");
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
