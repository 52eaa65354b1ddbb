import { beforeAll, describe, expect, it } from "vitest";
import { getProfile } from "../../shared/users/profiles.js";
import { handler } from "../../triggers/post-confirmation.js";
import { invoke, postConfirmationEvents } from "../fixtures/cognito-events.js";
import { captureLogs } from "../support/captured-logs.js";
import { useLocalData } from "../support/local-data.js";

beforeAll(() => {
  useLocalData();
});
captureLogs();

describe("post-confirmation (DynamoDB Local)", () => {
  it("PostConfirmation_ConfirmSignUp: creates the profile, then a repeat changes nothing", async () => {
    const event = postConfirmationEvents.PostConfirmation_ConfirmSignUp({
      email: "Ada@Example.com",
    });
    const sub = event.request.userAttributes["sub"] ?? "";

    await invoke(handler, event);
    const created = await getProfile(sub);
    await invoke(
      handler,
      postConfirmationEvents.PostConfirmation_ConfirmSignUp({ sub, email: "other@example.com" }),
    );

    expect(created).toMatchObject({
      sub,
      email: "ada@example.com",
      plan: "free",
      status: "active",
      loginCount: 0,
      lastLoginAt: null,
    });
    expect(await getProfile(sub)).toEqual(created);
  });

  it("PostConfirmation_ConfirmForgotPassword: leaves an existing profile unchanged", async () => {
    const signUp = postConfirmationEvents.PostConfirmation_ConfirmSignUp();
    const sub = signUp.request.userAttributes["sub"] ?? "";
    await invoke(handler, signUp);
    const before = await getProfile(sub);

    await invoke(handler, postConfirmationEvents.PostConfirmation_ConfirmForgotPassword({ sub }));

    expect(await getProfile(sub)).toEqual(before);
  });

  it("PostConfirmation_ConfirmForgotPassword: creates no profile", async () => {
    const event = postConfirmationEvents.PostConfirmation_ConfirmForgotPassword();

    await invoke(handler, event);

    expect(await getProfile(event.request.userAttributes["sub"] ?? "")).toBeUndefined();
  });
});
