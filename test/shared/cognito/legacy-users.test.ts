import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import {
  LEGACY_HASH_COST,
  hashLegacyPassword,
  verifyLegacyPassword,
  type LegacyUser,
} from "../../../shared/cognito/legacy-users.js";

const user: LegacyUser = {
  email: "legacy@example.com",
  passwordHash: await hashLegacyPassword("Legacy!pass123"),
};

async function millis(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[1] ?? 0;
}

describe("legacy passwords", () => {
  it("hashes at the store's bcrypt cost", () => {
    expect(user.passwordHash).toMatch(new RegExp(`^\\$2b\\$${LEGACY_HASH_COST}\\$`));
  });

  it("accepts the right password only", async () => {
    expect(await verifyLegacyPassword(user, "Legacy!pass123")).toBe(true);
    expect(await verifyLegacyPassword(user, "legacy!pass123")).toBe(false);
    expect(await verifyLegacyPassword(user, "")).toBe(false);
  });

  it("accepts no password at all for an unknown user", async () => {
    expect(await verifyLegacyPassword(undefined, "Legacy!pass123")).toBe(false);
    expect(await verifyLegacyPassword(undefined, "")).toBe(false);
  });

  it("takes about as long for an unknown user as for a wrong password", async () => {
    const unknown = await millis(() => verifyLegacyPassword(undefined, "Wrong!pass123"));
    const wrong = await millis(() => verifyLegacyPassword(user, "Wrong!pass123"));

    expect(unknown / wrong).toBeGreaterThan(0.25);
    expect(unknown / wrong).toBeLessThan(4);
  });
});
