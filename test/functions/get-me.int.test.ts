import { describe, expect, it } from "vitest";
import { callApi, createUser } from "../support/users.js";

function forge(token: string, claims: Record<string, unknown>): string {
  const [header = "", payload = "", signature = ""] = token.split(".");
  const decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
  const edited = Buffer.from(JSON.stringify({ ...decoded, ...claims })).toString("base64url");
  return `${header}.${edited}.${signature}`;
}

function unsigned(token: string): string {
  const [, payload = ""] = token.split(".");
  const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
  return `${header}.${payload}.`;
}

describe("GET /me on the local stack", () => {
  it("returns the caller's sub, email, org, plan and profile for an access token", async () => {
    const user = await createUser();

    const response = await callApi("/me", { token: user.accessToken });

    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      sub: user.sub,
      email: user.email,
      org: "example.com",
      plan: "free",
      groups: [],
      profile: { displayName: user.email.split("@")[0], loginCount: 1 },
    });
  });

  it.each([
    ["no Authorization header", () => undefined],
    ["an ID token instead of an access token", (t: { idToken: string }) => t.idToken],
    [
      "a token whose payload was edited",
      (t: { accessToken: string }) => forge(t.accessToken, { sub: "someone-else" }),
    ],
    ["an unsigned (alg none) token", (t: { accessToken: string }) => unsigned(t.accessToken)],
    ["garbage", () => "not-a-jwt"],
  ])("answers 401 problem+json to %s", async (_name, pick) => {
    const user = await createUser();
    const token = pick(user);

    const response = await callApi("/me", token === undefined ? {} : { token });

    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 401, title: "Unauthorized" });
    expect(JSON.stringify(body)).not.toContain(user.accessToken.slice(0, 30));
  });
});

describe("GET /health on the local stack", () => {
  it("is public and answers ok", async () => {
    const response = await callApi("/health");

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});
