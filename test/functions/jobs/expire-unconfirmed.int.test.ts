/**
 * Unconfirmed accounts expire: the hourly job deletes accounts still UNCONFIRMED 24 hours after
 * sign-up, and nothing else, so a squatter's pending sign-up cannot block the address's owner for
 * good. Real Cognito calls on the local stack.
 */
import { AdminGetUserCommand, SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import type { ScheduledEvent } from "aws-lambda";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { handler } from "../../../functions/jobs/expire-unconfirmed.js";
import { deleteUnconfirmedUsers } from "../../../shared/users/accounts.js";
import { lambdaContext } from "../../fixtures/api-events.js";
import { captureLogs } from "../../support/captured-logs.js";
import { stack } from "../../support/stack.js";
import { TEST_PASSWORD, cognito, createUser, uniqueEmail } from "../../support/users.js";

captureLogs();

const hourly: ScheduledEvent = {
  version: "0",
  id: "cdc73f9d-aea9-11e3-9d5a-835b769c0d9c",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: new Date().toISOString(),
  region: "us-east-1",
  resources: ["arn:aws:events:us-east-1:123456789012:rule/expire-unconfirmed"],
  detail: {},
};

beforeAll(() => {
  vi.stubEnv("AWS_REGION", stack().region);
  vi.stubEnv("USER_POOL_ID", stack().cognito.userPoolId);
  vi.stubEnv("COGNITO_ENDPOINT", stack().cognito.endpoint);
  vi.stubEnv("AWS_ACCESS_KEY_ID", "local");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local");
});

const signUp = (email: string, password = TEST_PASSWORD) =>
  cognito().send(
    new SignUpCommand({
      ClientId: stack().cognito.userPoolClientId,
      Username: email,
      Password: password,
      UserAttributes: [{ Name: "email", Value: email }],
    }),
  );

const statusOf = (username: string) =>
  cognito()
    .send(new AdminGetUserCommand({ UserPoolId: stack().cognito.userPoolId, Username: username }))
    .then(
      (user) => user.UserStatus ?? "?",
      (error: unknown) => (error instanceof Error ? error.name : "?"),
    );

describe("expire-unconfirmed (scheduled)", () => {
  it("keeps an unconfirmed account younger than 24 hours", async () => {
    const pending = uniqueEmail("pending");
    await signUp(pending, "Squatter!pass123");

    await handler(hourly, lambdaContext(), () => undefined);

    expect(await statusOf(pending)).toBe("UNCONFIRMED");
  });

  it("deletes unconfirmed accounts past the cut-off, and no confirmed one; the owner can then sign up", async () => {
    const squatted = uniqueEmail("squatted");
    await signUp(squatted, "Squatter!pass123");
    const confirmed = await createUser(uniqueEmail("confirmed"));

    const deleted = await deleteUnconfirmedUsers(new Date(Date.now() + 60_000));
    const ownSignUp = await signUp(squatted);

    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(ownSignUp.UserConfirmed).toBe(false);
    expect(await statusOf(confirmed.email)).toBe("CONFIRMED");
  });
});
