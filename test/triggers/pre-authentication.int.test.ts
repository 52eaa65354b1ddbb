import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createProfileOnce, setStatus } from "../../shared/users/profiles.js";
import { handler } from "../../triggers/pre-authentication.js";
import { invoke, preAuthenticationEvents } from "../fixtures/cognito-events.js";
import { captureLogs } from "../support/captured-logs.js";
import { useLocalData } from "../support/local-data.js";

beforeAll(() => {
  useLocalData();
});
captureLogs();

const signIn = (sub: string, email = "ada@example.com") =>
  invoke(handler, preAuthenticationEvents.PreAuthentication_Authentication({ sub, email }));

describe("pre-authentication (DynamoDB Local)", () => {
  it("PreAuthentication_Authentication: lets an active user sign in", async () => {
    const sub = randomUUID();
    await createProfileOnce({ sub, email: "ada@example.com" });

    await expect(signIn(sub)).resolves.toBeDefined();
  });

  it("PreAuthentication_Authentication: refuses a disabled user, whatever the case of the email", async () => {
    const sub = randomUUID();
    await createProfileOnce({ sub, email: "ada@example.com" });
    await setStatus(sub, "disabled");

    for (const email of ["ada@example.com", "ADA@EXAMPLE.COM", "Ada@Example.com"]) {
      await expect(signIn(sub, email)).rejects.toThrow(/^This account is disabled\.$/);
    }
  });

  it("PreAuthentication_Authentication: lets a user in again once re-enabled", async () => {
    const sub = randomUUID();
    await createProfileOnce({ sub, email: "ada@example.com" });
    await setStatus(sub, "disabled");
    await expect(signIn(sub)).rejects.toThrow("disabled");

    await setStatus(sub, "active");

    await expect(signIn(sub)).resolves.toBeDefined();
  });

  it("PreAuthentication_Authentication: lets a user without a profile yet sign in", async () => {
    await expect(signIn(randomUUID())).resolves.toBeDefined();
  });
});
