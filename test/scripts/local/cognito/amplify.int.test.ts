/**
 * Amplify v6 (aws-amplify) against the test stack's Cognito emulator, with its defaults: `signIn`
 * (SRP), `fetchAuthSession({ forceRefresh: true })` (GetTokensFromRefreshToken) and `signOut`.
 * In Node, Amplify keeps its tokens in memory (no `localStorage`), so it needs no shim. The calls
 * Amplify makes are recorded from `fetch`, which still does the real requests.
 */
import { Amplify } from "aws-amplify";
import { confirmSignIn, fetchAuthSession, getCurrentUser, signIn, signOut } from "aws-amplify/auth";
import { GetUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Me } from "../../../../shared/users/me.js";
import { stack } from "../../../support/stack.js";
import {
  TEST_PASSWORD,
  callApi,
  cognito,
  createUser,
  uniqueEmail,
} from "../../../support/users.js";

const realFetch = globalThis.fetch;
const targets: string[] = [];

beforeAll(() => {
  const { endpoint, userPoolId, userPoolClientId } = stack().cognito;
  Amplify.configure({
    Auth: { Cognito: { userPoolId, userPoolClientId, userPoolEndpoint: endpoint } },
  });
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const target = new Headers(init?.headers).get("x-amz-target");
    if (target) targets.push(target.split(".")[1] ?? target);
    return realFetch(input, init);
  });
});

afterEach(async () => {
  await signOut();
  targets.length = 0;
});

async function me(token: string): Promise<Me> {
  const response = await callApi("/me", { token });
  expect(response.status).toBe(200);
  return (await response.json()) as Me;
}

async function accessToken(): Promise<string> {
  const token = (await fetchAuthSession()).tokens?.accessToken.toString();
  if (!token) throw new Error("Amplify holds no access token");
  return token;
}

describe("Amplify v6 against the local stack", () => {
  it("signIn with its default flow (SRP) signs the user in; the token works on the API", async () => {
    const user = await createUser(uniqueEmail("amplify"));

    const result = await signIn({ username: user.email, password: TEST_PASSWORD });
    const current = await getCurrentUser();

    expect(result).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
    expect(targets).toEqual(["InitiateAuth", "RespondToAuthChallenge"]);
    expect(current.userId).toBe(user.sub);
    expect((await me(await accessToken())).sub).toBe(user.sub);
  });

  it("signIn refuses a wrong password with NotAuthorizedException", async () => {
    const user = await createUser(uniqueEmail("amplify-wrong"));

    const error = await signIn({ username: user.email, password: "Wrong!pass0000" }).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({
      name: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
  });

  it("fetchAuthSession({ forceRefresh: true }) gets new tokens through GetTokensFromRefreshToken", async () => {
    const user = await createUser(uniqueEmail("amplify-refresh"));
    await signIn({ username: user.email, password: TEST_PASSWORD });
    const before = await fetchAuthSession();
    targets.length = 0;

    const after = await fetchAuthSession({ forceRefresh: true });
    const token = after.tokens?.accessToken;

    expect(targets).toEqual(["GetTokensFromRefreshToken"]);
    expect(token?.payload["jti"]).not.toBe(before.tokens?.accessToken.payload["jti"]);
    expect(token?.payload["sub"]).toBe(user.sub);
    expect(token?.payload["plan"]).toBe("free");
    expect((await me(token?.toString() ?? "")).sub).toBe(user.sub);
  });

  it("signOut revokes the session (RevokeToken) and forgets it: no tokens, no current user", async () => {
    const user = await createUser(uniqueEmail("amplify-signout"));
    await signIn({ username: user.email, password: TEST_PASSWORD });
    const token = await accessToken();
    targets.length = 0;

    await signOut();
    const session = await fetchAuthSession();
    const current = await getCurrentUser().catch((e: unknown) => e);
    const revoked = await cognito()
      .send(new GetUserCommand({ AccessToken: token }))
      .catch((e: unknown) => e);

    expect(targets).toEqual(["RevokeToken"]);
    expect(session.tokens).toBeUndefined();
    expect(current).toMatchObject({ name: "UserUnAuthenticatedException" });
    expect(revoked).toMatchObject({ name: "NotAuthorizedException" });
  });
});

describe("Amplify v6 choice-based sign-in (USER_AUTH)", () => {
  it.each(["PASSWORD", "PASSWORD_SRP"] as const)(
    "signs in with the preferred challenge %s",
    async (preferredChallenge) => {
      const user = await createUser(uniqueEmail("amplify-choice"));

      const result = await signIn({
        username: user.email,
        password: TEST_PASSWORD,
        options: { authFlowType: "USER_AUTH", preferredChallenge },
      });

      expect(result.isSignedIn).toBe(true);
      expect((await getCurrentUser()).userId).toBe(user.sub);
    },
  );

  it.each(["PASSWORD", "PASSWORD_SRP"] as const)(
    "offers the first factors without a preference, then signs in with %s",
    async (choice) => {
      const user = await createUser(uniqueEmail("amplify-select"));

      const first = await signIn({ username: user.email, options: { authFlowType: "USER_AUTH" } });
      const chosen = await confirmSignIn({ challengeResponse: choice });
      const done = await confirmSignIn({ challengeResponse: TEST_PASSWORD });

      expect(first.nextStep).toEqual({
        signInStep: "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
        availableChallenges: ["PASSWORD", "PASSWORD_SRP"],
      });
      expect(chosen.nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_PASSWORD");
      expect(done).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
      expect((await getCurrentUser()).userId).toBe(user.sub);
    },
  );

  it("refuses a wrong password in the PASSWORD choice", async () => {
    const user = await createUser(uniqueEmail("amplify-choice-wrong"));

    const error = await signIn({
      username: user.email,
      password: "Wrong!pass0000",
      options: { authFlowType: "USER_AUTH", preferredChallenge: "PASSWORD" },
    }).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
  });
});
