import { performance } from "node:perf_hooks";
import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import {
  LEGACY_HASH_COST,
  dummyHash,
  hashCost,
  verifyLegacyPassword,
  type LegacyUser,
} from "../../../shared/cognito/legacy-users.js";

const user: LegacyUser = {
  email: "legacy@example.com",
  passwordHash: await bcrypt.hash("Legacy!pass123", LEGACY_HASH_COST),
  resetAllowed: false,
};

async function millis(run: () => Promise<unknown>, tries = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < tries; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(tries / 2)] ?? 0;
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

  it("never matches a password over 72 bytes, even one sharing the stored password's first 72", async () => {
    const stored = "S".repeat(70) + "1a";
    const long: LegacyUser = { ...user, passwordHash: await bcrypt.hash(stored, 4) };

    expect(await verifyLegacyPassword(long, stored, 4)).toBe(true);
    expect(await verifyLegacyPassword(long, stored + "-anything", 4)).toBe(false);
    expect(await verifyLegacyPassword(long, "S".repeat(70) + "1aé", 4)).toBe(false);
  });

  it("builds a dummy hash of any cost that matches no password", async () => {
    expect(hashCost(dummyHash(4))).toBe(4);
    expect(hashCost(dummyHash(12))).toBe(12);
    expect(await verifyLegacyPassword(undefined, "", 4)).toBe(false);
  });

  it("pads a cheaper hash to the store's cost: mixed-cost stores answer in one time", async () => {
    const cheap: LegacyUser = {
      ...user,
      passwordHash: await bcrypt.hash("Cheap!pass123", 6),
    };
    const storeCost = 9;

    const unknown = await millis(
      () => verifyLegacyPassword(undefined, "Wrong!pass123", storeCost),
      7,
    );
    const wrongCheap = await millis(
      () => verifyLegacyPassword(cheap, "Wrong!pass123", storeCost),
      7,
    );
    const unpadded = await millis(() => verifyLegacyPassword(cheap, "Wrong!pass123", 6), 7);

    expect(await verifyLegacyPassword(cheap, "Cheap!pass123", storeCost)).toBe(true);
    // Medians of a few runs on a shared machine: the bounds catch a missing pad (about 1/8, the
    // third bound) and a doubled one, not scheduling noise.
    expect(wrongCheap / unknown).toBeGreaterThan(0.5);
    expect(wrongCheap / unknown).toBeLessThan(2);
    expect(unpadded / unknown).toBeLessThan(0.4);
  });
});
