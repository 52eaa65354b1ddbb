/**
 * docs/security.md "Timing": through real sign-ins on the local stack (InitiateAuth runs the
 * UserMigration trigger for an address the pool does not know), an unknown address and a legacy
 * user's wrong password are answered in the same time, also for a legacy hash cheaper than the
 * store's cost (LEGACY_HASH_COST). A pool user's wrong password never reaches a Lambda.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { beforeAll, describe, expect, it } from "vitest";
import { seedLegacyUsers } from "../../scripts/local/seed.js";
import { LEGACY_HASH_COST } from "../../shared/cognito/legacy-users.js";
import { dynamo } from "../../shared/runtime/aws.js";
import { useLocalData } from "../support/local-data.js";
import { stack } from "../support/stack.js";
import { signIn, uniqueEmail } from "../support/users.js";

const TRIES = 15;
const WRONG = "Wrong!pass0000";
const atStoreCost = uniqueEmail("legacy-store-cost");
const cheaper = uniqueEmail("legacy-cheaper");

beforeAll(async () => {
  useLocalData();
  await seedLegacyUsers(dynamo(), stack().dynamodb.tables.legacyUsers, [
    { email: atStoreCost, password: `Right!${randomUUID()}` },
    { email: cheaper, password: `Right!${randomUUID()}`, cost: LEGACY_HASH_COST - 2 },
  ]);
});

/** Median milliseconds of a failed sign-in of `email`, over `TRIES` tries. */
async function medianFailure(email: () => string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < TRIES; i++) {
    const start = performance.now();
    const error = await signIn(email(), WRONG).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    times.push(performance.now() - start);
    expect(error).toMatchObject({
      name: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
  }
  return times.sort((a, b) => a - b)[Math.floor(TRIES / 2)] ?? 0;
}

describe("failed sign-in timing (UserMigration)", () => {
  it(
    "answers an unknown address and a legacy user's wrong password in the same time (medians within 30 %)",
    { timeout: 180_000 },
    async () => {
      await signIn(uniqueEmail("warm-up"), WRONG).catch(() => undefined);

      const unknown = await medianFailure(() => uniqueEmail("nobody"));
      const wrong = await medianFailure(() => atStoreCost);
      const wrongCheaper = await medianFailure(() => cheaper);

      expect(Math.abs(wrong - unknown) / unknown).toBeLessThan(0.3);
      expect(Math.abs(wrongCheaper - unknown) / unknown).toBeLessThan(0.3);
    },
  );
});
