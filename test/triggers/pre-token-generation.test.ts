import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../triggers/pre-token-generation.js";
import { invoke, preTokenGenerationEvents } from "../fixtures/cognito-events.js";
import { SECRET_TABLE, dynamoFaults } from "../fixtures/dynamo-faults.js";
import { captureLogs } from "../support/captured-logs.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
const table = mockClient(DynamoDBDocumentClient);
captureLogs();

beforeEach(() => {
  table.reset();
});

const sources = Object.keys(preTokenGenerationEvents) as (keyof typeof preTokenGenerationEvents)[];

describe("pre-token-generation", () => {
  it.each(sources)(
    "%s: issues no token when the profile cannot be read, with a message a user may read",
    async (source) => {
      table.rejects(new Error("connect ECONNREFUSED 127.0.0.1:8000"));

      const failure = invoke(handler, preTokenGenerationEvents[source]());

      await expect(failure).rejects.toThrow(
        /^We could not sign you in right now\. Please try again\.$/,
      );
    },
  );

  it.each(dynamoFaults)("never leaks internals when DynamoDB fails with %s", async (_, fault) => {
    table.rejects(fault());

    const error = await invoke(
      handler,
      preTokenGenerationEvents.TokenGeneration_Authentication(),
    ).catch((caught: unknown) => caught);

    expect(String(error)).not.toContain(SECRET_TABLE);
    expect(String(error)).not.toContain("arn:");
  });

  it.each(sources)("%s: issues no token to a disabled profile", async (source) => {
    const event = preTokenGenerationEvents[source]();
    const sub = event.request.userAttributes["sub"];
    table.on(GetCommand).resolves({
      Item: {
        sub,
        email: "ada@example.com",
        displayName: "ada",
        plan: "free",
        status: "disabled",
        createdAt: "2026-01-01T00:00:00.000Z",
        lastLoginAt: null,
        loginCount: 0,
      },
    });

    const failure = invoke(handler, event);

    await expect(failure).rejects.toThrow(/^This account is disabled\.$/);
  });

  it("refuses a user without a sub, before any lookup", async () => {
    const event = preTokenGenerationEvents.TokenGeneration_RefreshTokens({
      attributes: { email: "ada@example.com" },
    });

    await expect(invoke(handler, event)).rejects.toThrow("Please try again.");
    expect(table.calls()).toHaveLength(0);
  });

  it("refuses a trigger source it does not know", async () => {
    const event = {
      ...preTokenGenerationEvents.TokenGeneration_Authentication(),
      triggerSource: "TokenGeneration_ClientCredentials",
    };

    await expect(invoke(handler, event as never)).rejects.toThrow("This request is not supported.");
  });
});
