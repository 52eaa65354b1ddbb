import type { APIGatewayAuthorizerResult } from "aws-lambda";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { authorizer, handler } from "../../../functions/authorizers/admin.js";
import { evaluatePolicy } from "../../support/policy-evaluation.js";
import { accessTokenVerifier } from "../../../shared/auth/access-token.js";
import { handler as localHandler } from "../../../scripts/local/admin-authorizer.js";
import { localAccessTokenVerifier } from "../../../scripts/local/access-token.js";
import { authorizerEvent, awsArn, offlineArn } from "../../fixtures/authorizer-events.js";
import { accessClaims, jwksOf, sign, signingKey } from "../../fixtures/jwt.js";
import { rejectedCases } from "../../fixtures/rejected-tokens.js";
import {
  CLIENT_ID,
  USER_POOL_ID,
  countingFetcher,
  modes,
  tokenContext,
  verifierFor,
  type Mode,
} from "../../fixtures/verifiers.js";

const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
const pool = signingKey("pool-kid");
const impostor = signingKey("pool-kid");

const adminRoutes = [
  ["GET", "/admin/users"],
  ["POST", "/admin/users/6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10/disable"],
  ["POST", "/admin/users/0b9e4c1a-2f3d-4e5f-8a7b-6c5d4e3f2a1b/enable"],
] as const;
const userRoutes = [
  ["GET", "/me"],
  ["POST", "/notes"],
  ["DELETE", "/files/01J0ABCDEFGHJKMNPQRSTVWXYZ"],
] as const;
const arnsOf = (routes: readonly (readonly [string, string])[]) => [
  ...routes.map(([method, path]) => awsArn(method, path)),
];

function adminAuthorizer(mode: Mode) {
  const verifier = verifierFor(
    mode,
    countingFetcher(() => jwksOf(pool)),
  );
  verifier.cacheJwks(jwksOf(pool));
  return authorizer((token) => verifier.verify(token));
}

function call(mode: Mode, authorization: string, methodArn = awsArn("GET", "/admin/users")) {
  return adminAuthorizer(mode)(authorizerEvent({ authorization, methodArn }));
}

afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(() => {
  stdout.mockRestore();
});

describe.each(modes)("admin authorizer, $mode", (mode) => {
  const ctx = tokenContext(mode);
  const adminToken = `Bearer ${sign(pool, accessClaims(ctx, { "cognito:groups": ["beta", "admins"], email: "root@example.com" }))}`;
  const userToken = `Bearer ${sign(pool, accessClaims(ctx, { "cognito:groups": ["beta"] }))}`;

  it.each(rejectedCases(pool, impostor, ctx))(
    "throws exactly Unauthorized for $name",
    async ({ authorization }) => {
      const event = authorizerEvent({ authorization, methodArn: awsArn("GET", "/admin/users") });

      await expect(adminAuthorizer(mode)(event)).rejects.toThrow(/^Unauthorized$/);
    },
  );

  it("allows an admin, passing flat string claims to the handler", async () => {
    const result = await call(mode, adminToken);

    expect(evaluatePolicy(result.policyDocument, awsArn("GET", "/admin/users"))).toBe("Allow");
    expect(result.principalId).toBe("6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10");
    expect(result.context).toEqual({
      sub: "6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10",
      username: "6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10",
      groups: "beta,admins",
      email: "root@example.com",
    });
  });

  it.each(adminRoutes)(
    "an admin's policy cached for %s %s allows every admin route",
    async (method, path) => {
      const result = await call(mode, adminToken, awsArn(method, path));

      for (const arn of arnsOf(adminRoutes)) {
        expect(evaluatePolicy(result.policyDocument, arn), arn).toBe("Allow");
      }
    },
  );

  it("an admin's policy covers only the admin routes", async () => {
    const result = await call(mode, adminToken);

    for (const arn of arnsOf(userRoutes)) {
      expect(evaluatePolicy(result.policyDocument, arn), arn).toBe("Deny");
    }
  });

  it("works with serverless-offline's method ARNs (fake ids, route templates)", async () => {
    const result = await call(mode, adminToken, offlineArn("GET", "/admin/users"));

    expect(
      evaluatePolicy(result.policyDocument, offlineArn("POST", "/admin/users/{sub}/disable")),
    ).toBe("Allow");
  });

  it.each(adminRoutes)(
    "a valid non-admin gets an explicit Deny on every admin route, whichever route asked (%s %s)",
    async (method, path) => {
      const result = await call(mode, userToken, awsArn(method, path));

      expect(result.policyDocument.Statement.every((s) => s.Effect === "Deny")).toBe(true);
      for (const arn of arnsOf([...adminRoutes, ...userRoutes])) {
        expect(evaluatePolicy(result.policyDocument, arn), arn).toBe("Deny");
      }
    },
  );

  it("decides the same whichever admin route is asked first", async () => {
    const decisions: APIGatewayAuthorizerResult[] = [];
    for (const [method, path] of adminRoutes) {
      decisions.push(await call(mode, adminToken, awsArn(method, path)));
      decisions.push(await call(mode, userToken, awsArn(method, path)));
    }

    expect(new Set(decisions.map((d) => JSON.stringify(d))).size).toBe(2);
  });

  it.each([
    ["a differently cased group", ["Admins"]],
    ["a group with a similar name", ["admins-lite", "admin"]],
    ["no groups", []],
  ])("denies %s", async (_, groups) => {
    const token = `Bearer ${sign(pool, accessClaims(ctx, { "cognito:groups": groups }))}`;

    const result = await call(mode, token);

    expect(evaluatePolicy(result.policyDocument, awsArn("GET", "/admin/users"))).toBe("Deny");
  });
});

describe("admin authorizer logging", () => {
  it("logs why a token was refused, never the token", async () => {
    stdout.mockClear();
    const mode = modes[0];
    const expired = sign(pool, accessClaims(tokenContext(mode), { exp: 1 }));

    await expect(call(mode, `Bearer ${expired}`)).rejects.toThrow(/^Unauthorized$/);

    const output = stdout.mock.calls.map(([chunk]) => String(chunk)).join("");
    expect(output).toContain("token rejected");
    expect(output).toContain("Token expired");
    expect(output).not.toContain(expired.split(".")[2]);
    expect(output).not.toContain(expired.split(".")[1]);
  });
});

describe("admin authorizer handler", () => {
  it.each([
    ["deployed", modes[0], handler, accessTokenVerifier],
    ["local", modes[1], localHandler, localAccessTokenVerifier],
  ] as const)(
    "%s: verifies with the verifier configured from the environment",
    async (_, mode, handle, verifier) => {
      vi.stubEnv("USER_POOL_ID", USER_POOL_ID);
      vi.stubEnv("JWT_ISSUER", modes[1].issuer);
      vi.stubEnv("USER_POOL_CLIENT_ID", CLIENT_ID);
      verifier().cacheJwks(jwksOf(pool));
      const token = sign(pool, accessClaims(tokenContext(mode), { "cognito:groups": ["admins"] }));
      const other = modes.find((m) => m !== mode) ?? mode;
      const foreign = sign(
        pool,
        accessClaims(tokenContext(other), { "cognito:groups": ["admins"] }),
      );

      const result = await handle(authorizerEvent({ authorization: `Bearer ${token}` }));

      expect(evaluatePolicy(result.policyDocument, awsArn("GET", "/admin/users"))).toBe("Allow");
      await expect(handle(authorizerEvent({ authorization: `Bearer ${foreign}` }))).rejects.toThrow(
        /^Unauthorized$/,
      );
      await expect(handle(authorizerEvent({}))).rejects.toThrow(/^Unauthorized$/);
    },
  );
});
