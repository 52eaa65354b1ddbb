import { randomUUID } from "node:crypto";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { dynamo } from "../../shared/runtime/aws.js";
import { config } from "../../shared/runtime/config.js";
import { createProfileOnce, getProfile } from "../../shared/users/profiles.js";
import { handler } from "../../triggers/pre-token-generation.js";
import { invoke, preTokenGenerationEvents, userAttributes } from "../fixtures/cognito-events.js";
import { captureLogs } from "../support/captured-logs.js";
import { useLocalData } from "../support/local-data.js";

beforeAll(() => {
  useLocalData();
});
captureLogs();

const sources = Object.keys(preTokenGenerationEvents) as (keyof typeof preTokenGenerationEvents)[];

async function setPlan(sub: string, plan: string) {
  await dynamo().send(
    new UpdateCommand({
      TableName: config.tableName(),
      Key: { pk: `USER#${sub}`, sk: "PROFILE" },
      UpdateExpression: "SET #plan = :plan",
      ExpressionAttributeNames: { "#plan": "plan" },
      ExpressionAttributeValues: { ":plan": plan },
    }),
  );
}

describe("pre-token-generation (DynamoDB Local)", () => {
  it.each(sources)("%s: adds org and plan to both tokens, from the profile", async (source) => {
    const sub = randomUUID();
    await createProfileOnce({ sub, email: "Ada@Example.com" });
    await setPlan(sub, "pro");

    const result = await invoke(handler, preTokenGenerationEvents[source]({ sub }));

    const claims = { org: "example.com", plan: "pro" };
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: claims },
      accessTokenGeneration: { claimsToAddOrOverride: claims },
    });
  });

  it("takes nothing from attributes the user can write", async () => {
    const sub = randomUUID();
    await createProfileOnce({ sub, email: "ada@example.com" });
    const attributes = {
      ...userAttributes({ sub }),
      email: "ada@evil.io",
      "custom:plan": "enterprise",
      "custom:org": "evil.io",
      plan: "enterprise",
      org: "evil.io",
    };

    const result = await invoke(
      handler,
      preTokenGenerationEvents.TokenGeneration_RefreshTokens({ attributes }),
    );

    const details = result.response.claimsAndScopeOverrideDetails;
    expect(details.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      org: "example.com",
      plan: "free",
    });
    expect(details.idTokenGeneration?.claimsToAddOrOverride).toEqual({
      org: "example.com",
      plan: "free",
    });
    expect(details.groupOverrideDetails).toBeUndefined();
  });

  it("creates a missing profile (a migrated user) and gives the default plan", async () => {
    const sub = randomUUID();

    const result = await invoke(
      handler,
      preTokenGenerationEvents.TokenGeneration_Authentication({ sub, email: "legacy@example.com" }),
    );

    expect(result.response.claimsAndScopeOverrideDetails.accessTokenGeneration).toEqual({
      claimsToAddOrOverride: { org: "example.com", plan: "free" },
    });
    expect(await getProfile(sub)).toMatchObject({ email: "legacy@example.com", loginCount: 0 });
  });

  it("reflects a plan change at the next token refresh", async () => {
    const sub = randomUUID();
    await createProfileOnce({ sub, email: "ada@example.com" });
    await invoke(handler, preTokenGenerationEvents.TokenGeneration_Authentication({ sub }));

    await setPlan(sub, "team");
    const refreshed = await invoke(
      handler,
      preTokenGenerationEvents.TokenGeneration_RefreshTokens({ sub }),
    );

    expect(
      refreshed.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride,
    ).toEqual({ org: "example.com", plan: "team" });
  });
});
