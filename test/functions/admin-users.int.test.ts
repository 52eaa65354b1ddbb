import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { handler as disableUser } from "../../functions/disable-user.js";
import { handler as enableUser } from "../../functions/enable-user.js";
import { handler as listUsers } from "../../functions/list-users.js";
import {
  createProfileOnce,
  getProfile,
  recordLogin,
  setStatus as storeStatus,
} from "../../shared/users/profiles.js";
import { apiEvent, bodyOf, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { useLocalData } from "../support/local-data.js";
import { stack } from "../support/stack.js";

beforeAll(() => {
  useLocalData();
  vi.stubEnv("USER_POOL_ID", stack().cognito.userPoolId);
  vi.stubEnv("COGNITO_ENDPOINT", stack().cognito.endpoint);
});

/** An admin who may act: their own profile is active. */
async function activeAdmin(): Promise<string> {
  const sub = randomUUID();
  await createProfileOnce({ sub, email: `admin-${sub.slice(0, 8)}@example.com` });
  return sub;
}

interface AdminUser {
  sub: string;
  email: string;
  status: string;
  createdAt: string;
  lastLoginAt: string | null;
}

interface Page {
  items: AdminUser[];
  nextCursor?: string;
}

const asAdmin = (admin: string, options: ApiEventOptions): ApiEventOptions => ({
  sub: admin,
  groups: ["admins"],
  authorizer: "lambda",
  ...options,
});

const list = (admin: string, query: Record<string, string> = {}, options: ApiEventOptions = {}) =>
  listUsers(
    apiEvent(asAdmin(admin, { method: "GET", resource: "/admin/users", query, ...options })),
    lambdaContext(),
  );

const setStatus = (
  verb: "disable" | "enable",
  admin: string,
  sub: string,
  options: ApiEventOptions = {},
) =>
  (verb === "disable" ? disableUser : enableUser)(
    apiEvent(
      asAdmin(admin, {
        method: "POST",
        resource: `/admin/users/{sub}/${verb}`,
        pathParameters: { sub },
        ...options,
      }),
    ),
    lambdaContext(),
  );

async function seedUsers(count: number): Promise<string[]> {
  const subs = Array.from({ length: count }, () => randomUUID());
  const base = Date.now();
  for (const [i, sub] of subs.entries()) {
    await createProfileOnce(
      { sub, email: `user-${sub.slice(0, 8)}@example.com` },
      new Date(base + i),
    );
  }
  return subs;
}

async function listAll(admin: string, limit: string): Promise<AdminUser[]> {
  const items: AdminUser[] = [];
  let cursor: string | undefined;
  do {
    const response = await list(admin, cursor === undefined ? { limit } : { limit, cursor });
    expect(response.statusCode).toBe(200);
    const page = bodyOf<Page>(response);
    expect(page.items.length).toBeLessThanOrEqual(Number(limit));
    // A cursor is only handed out when more users follow: no page is ever empty.
    expect(page.items.length).toBeGreaterThan(0);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}

describe("admin users (DynamoDB Local)", () => {
  it("lists every profile newest first across pages, with only the summary fields", async () => {
    const admin = randomUUID();
    const subs = await seedUsers(3);

    const items = await listAll(admin, "2");

    const mine = items.filter((item) => subs.includes(item.sub));
    expect(mine.map((item) => item.sub)).toEqual([...subs].reverse());
    expect(new Set(items.map((item) => item.sub)).size).toBe(items.length);
    const created = items.map((item) => item.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(mine[0]).toEqual({
      sub: subs[2],
      email: `user-${subs[2]?.slice(0, 8) ?? ""}@example.com`,
      status: "active",
      createdAt: expect.any(String) as unknown,
      lastLoginAt: null,
    });
  });

  it("gives the page that ends the list no cursor, even when it is full", async () => {
    const admin = randomUUID();
    await seedUsers(2);
    const total = (await listAll(admin, "100")).length;

    const items = await listAll(admin, "1");

    expect(items).toHaveLength(total);
  });

  it("walks many users one per page: no empty page, no duplicate, none missing", async () => {
    const admin = randomUUID();
    const subs = await seedUsers(30);
    const everyone = await listAll(admin, "100");

    const walked = await listAll(admin, "1");

    expect(walked.map((item) => item.sub)).toEqual(everyone.map((item) => item.sub));
    expect(new Set(walked.map((item) => item.sub)).size).toBe(walked.length);
    const mine = walked.filter((item) => subs.includes(item.sub)).map((item) => item.sub);
    expect(mine).toEqual([...subs].reverse());
  });

  it("shows the latest sign-in and status, which the index does not hold", async () => {
    const admin = randomUUID();
    const [sub = ""] = await seedUsers(1);
    const signedInAt = new Date("2026-03-04T05:06:07.089Z");
    await recordLogin(sub, signedInAt);
    await storeStatus(sub, "disabled");

    const items = await listAll(admin, "100");

    expect(items.find((item) => item.sub === sub)).toMatchObject({
      status: "disabled",
      lastLoginAt: signedInAt.toISOString(),
    });
  });

  it("refuses another admin's cursor (400)", async () => {
    await seedUsers(2);
    const first = bodyOf<Page>(await list(randomUUID(), { limit: "1" }));

    const response = await list(randomUUID(), { cursor: first.nextCursor ?? "" });

    expect(response.statusCode).toBe(400);
  });

  it("disables and re-enables a user", async () => {
    const admin = await activeAdmin();
    const [sub = ""] = await seedUsers(1);

    const disabled = await setStatus("disable", admin, sub);
    const afterDisable = await getProfile(sub);
    const enabled = await setStatus("enable", admin, sub);
    const afterEnable = await getProfile(sub);

    expect(disabled.statusCode).toBe(204);
    expect(afterDisable?.status).toBe("disabled");
    expect(enabled.statusCode).toBe(204);
    expect(afterEnable?.status).toBe("active");
  });

  it.each(["disable", "enable"] as const)(
    "answers 404 to %s for an unknown user, creating nothing",
    async (verb) => {
      const sub = randomUUID();

      const response = await setStatus(verb, await activeAdmin(), sub);

      expect(response.statusCode).toBe(404);
      expect(await getProfile(sub)).toBeUndefined();
    },
  );

  it("answers 403 to a non-admin and leaves the user as they were", async () => {
    const [sub = ""] = await seedUsers(1);

    const response = await setStatus("disable", randomUUID(), sub, { groups: ["beta"] });

    expect(response.statusCode).toBe(403);
    expect((await getProfile(sub))?.status).toBe("active");
  });
});
