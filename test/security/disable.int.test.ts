/**
 * docs/security.md "Disable": a disabled user is out, refresh included, and no admin action can
 * lock the service out. Real Cognito calls and real API calls on the local stack.
 */
import {
  AdminAddUserToGroupCommand,
  AdminRemoveUserFromGroupCommand,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { stack } from "../support/stack.js";
import {
  callApi,
  cognito,
  createUser,
  signIn,
  signInAdmin,
  uniqueEmail,
  type TestUser,
} from "../support/users.js";

const refresh = (refreshToken: string) =>
  cognito().send(
    new InitiateAuthCommand({
      ClientId: stack().cognito.userPoolClientId,
      AuthFlow: "REFRESH_TOKEN_AUTH",
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    }),
  );

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => "succeeded",
    (error: unknown) => (error instanceof Error ? error.name : "failed"),
  );

const setStatus = (actor: TestUser, verb: "disable" | "enable", sub: string) =>
  callApi(`/admin/users/${sub}/${verb}`, { method: "POST", token: actor.accessToken });

async function anotherAdmin(): Promise<TestUser> {
  const user = await createUser(uniqueEmail("admin"));
  await cognito().send(
    new AdminAddUserToGroupCommand({
      UserPoolId: stack().cognito.userPoolId,
      Username: user.email,
      GroupName: "admins",
    }),
  );
  return { ...user, ...(await signIn(user.email)) };
}

describe("disable (PreTokenGeneration, AdminUserGlobalSignOut, AdminDisableUser)", () => {
  it("refuses the refresh of a disabled user's session, and that session stays ended after enable", async () => {
    const admin = await signInAdmin();
    const user = await createUser(uniqueEmail("disabled"));
    const before = await outcome(refresh(user.refreshToken));

    const disabled = await setStatus(admin, "disable", user.sub);
    const whileDisabled = await outcome(refresh(user.refreshToken));
    const signInWhileDisabled = await outcome(signIn(user.email));
    const enabled = await setStatus(admin, "enable", user.sub);
    const afterEnable = await outcome(refresh(user.refreshToken));
    const fresh = await signIn(user.email);

    expect(before).toBe("succeeded");
    expect(disabled.status).toBe(204);
    expect(whileDisabled).not.toBe("succeeded");
    expect(signInWhileDisabled).not.toBe("succeeded");
    expect(enabled.status).toBe(204);
    expect(afterEnable).toBe("NotAuthorizedException");
    expect((await callApi("/me", { token: fresh.accessToken })).status).toBe(200);
  });
});

describe("admin actions that would lock the service out", () => {
  it("refuses an admin disabling themselves (409)", async () => {
    const admin = await signInAdmin();

    const response = await setStatus(admin, "disable", admin.sub);

    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ status: 409 });
    expect((await callApi("/me", { token: (await signInAdmin()).accessToken })).status).toBe(200);
  });

  it("refuses a disabled admin whose token is still valid (403)", async () => {
    const admin = await signInAdmin();
    const other = await anotherAdmin();

    expect((await setStatus(admin, "disable", other.sub)).status).toBe(204);
    const response = await setStatus(other, "disable", admin.sub);

    expect(response.status).toBe(403);
    expect((await signInAdmin()).accessToken).toBeTruthy();
  });

  it("refuses disabling the last active admin (409)", async () => {
    const admin = await signInAdmin();
    const former = await anotherAdmin();
    await cognito().send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: stack().cognito.userPoolId,
        Username: former.email,
        GroupName: "admins",
      }),
    );

    const response = await setStatus(former, "disable", admin.sub);

    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({
      detail: "The last active admin cannot be disabled.",
    });
    expect((await signInAdmin()).accessToken).toBeTruthy();
  });
});
