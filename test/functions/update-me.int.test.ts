import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { handler as getMe } from "../../functions/get-me.js";
import { handler as updateMe } from "../../functions/update-me.js";
import type { Me } from "../../shared/users/me.js";
import { createProfileOnce, getProfile } from "../../shared/users/profiles.js";
import { apiEvent, bodyOf, lambdaContext } from "../fixtures/api-events.js";
import { useLocalData } from "../support/local-data.js";

beforeAll(() => {
  useLocalData();
});

const patch = (sub: string, body: unknown) =>
  updateMe(
    apiEvent({ method: "PATCH", resource: "/me", sub, body, claims: { email: "ada@example.com" } }),
    lambdaContext(),
  );

describe("update-me (DynamoDB Local)", () => {
  it("sets the display name and answers the same body as GET /me", async () => {
    const sub = randomUUID();
    await createProfileOnce({ sub, email: "ada@example.com" });

    const response = await patch(sub, { displayName: "Ada Lovelace" });
    const me = await getMe(
      apiEvent({ resource: "/me", sub, claims: { email: "ada@example.com" } }),
      lambdaContext(),
    );

    expect(response.statusCode).toBe(200);
    expect(bodyOf<Me>(response).profile.displayName).toBe("Ada Lovelace");
    expect(bodyOf<Me>(response)).toEqual(bodyOf<Me>(me));
    expect(bodyOf<Me>(response).sub).toBe(sub);
  });

  it("changes nothing but the display name when other fields are sent", async () => {
    const sub = randomUUID();
    await createProfileOnce({ sub, email: "ada@example.com" });
    const before = await getProfile(sub);

    const response = await patch(sub, {
      displayName: "Boss",
      plan: "enterprise",
      status: "active",
    });

    expect(response.statusCode).toBe(400);
    expect(await getProfile(sub)).toEqual(before);
  });

  it("answers 404 when the user has no profile, and creates none", async () => {
    const sub = randomUUID();

    const response = await patch(sub, { displayName: "Ghost" });

    expect(response.statusCode).toBe(404);
    expect(await getProfile(sub)).toBeUndefined();
  });
});
