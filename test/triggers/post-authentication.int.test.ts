import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProfileOnce, getProfile } from "../../shared/users/profiles.js";
import { handler } from "../../triggers/post-authentication.js";
import { invoke, postAuthenticationEvents } from "../fixtures/cognito-events.js";
import { captureLogs } from "../support/captured-logs.js";
import {
  indexUnits,
  recordConsumedCapacity,
  tableUnits,
  type CapacityRecord,
} from "../support/consumed-capacity.js";
import { useLocalData } from "../support/local-data.js";

let capacity: { take(): CapacityRecord[]; stop(): void };
beforeAll(() => {
  useLocalData();
  capacity = recordConsumedCapacity();
});
afterAll(() => {
  capacity.stop();
});

const writes = (records: CapacityRecord[]) =>
  records.filter(({ command }) => /^(Put|Update|Delete)/.test(command));
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

  it("PostAuthentication_Authentication: writes one unit to the table and none to any index", async () => {
    const sub = randomUUID();
    capacity.take();
    await createProfileOnce({ sub, email: "ada@example.com" });
    const signUp = capacity.take();

    await signedIn(sub);
    const signIn = capacity.take();

    // The control: creating a profile does write the PROFILES index, and it is reported.
    expect(indexUnits(writes(signUp))).toEqual({ gsi1: 1 });
    expect(writes(signIn).map(({ command }) => command)).toEqual(["UpdateItemCommand"]);
    expect(tableUnits(writes(signIn))).toBe(1);
    expect(indexUnits(signIn)).toEqual({});
  });
});
