import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createProfileOnce, getProfile } from "../../shared/users/profiles.js";
import { handler } from "../../triggers/post-authentication.js";
import { invoke, postAuthenticationEvents } from "../fixtures/cognito-events.js";
import { captureLogs } from "../support/captured-logs.js";
import { useLocalData } from "../support/local-data.js";

beforeAll(() => {
  useLocalData();
});
captureLogs();

const signedIn = (sub: string, email = "ada@example.com") =>
  invoke(handler, postAuthenticationEvents.PostAuthentication_Authentication({ sub, email }));

describe("post-authentication (DynamoDB Local)", () => {
  it("PostAuthentication_Authentication: counts each sign-in once and records its time", async () => {
    const sub = randomUUID();
    await createProfileOnce({ sub, email: "ada@example.com" });
    const start = new Date().toISOString();

    await signedIn(sub);
    const first = await getProfile(sub);
    await signedIn(sub);
    const second = await getProfile(sub);

    expect(first?.loginCount).toBe(1);
    expect(second?.loginCount).toBe(2);
    expect(first?.lastLoginAt && first.lastLoginAt >= start).toBe(true);
    expect(
      second?.lastLoginAt && first?.lastLoginAt && second.lastLoginAt >= first.lastLoginAt,
    ).toBe(true);
  });

  it("PostAuthentication_Authentication: counts concurrent sign-ins without losing one", async () => {
    const sub = randomUUID();
    await createProfileOnce({ sub, email: "ada@example.com" });

    await Promise.all(Array.from({ length: 5 }, () => signedIn(sub)));

    expect((await getProfile(sub))?.loginCount).toBe(5);
  });

  it("PostAuthentication_Authentication: creates the missing profile of a migrated user", async () => {
    const sub = randomUUID();

    await signedIn(sub, "legacy@example.com");

    expect(await getProfile(sub)).toMatchObject({
      sub,
      email: "legacy@example.com",
      status: "active",
      loginCount: 1,
    });
  });
});
