import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { authorizer, handler } from "../../../scripts/local/cognito-authorizer.js";
import { requireUser } from "../../../shared/auth/identity.js";
import { evaluatePolicy } from "../../support/policy-evaluation.js";
import { localAccessTokenVerifier } from "../../../scripts/local/access-token.js";
import { apiEvent } from "../../fixtures/api-events.js";
import { authorizerEvent, awsArn, offlineArn } from "../../fixtures/authorizer-events.js";
import { accessClaims, jwksOf, sign, signingKey } from "../../fixtures/jwt.js";
import { rejectedCases } from "../../fixtures/rejected-tokens.js";
import {
  CLIENT_ID,
  countingFetcher,
  modes,
  tokenContext,
  verifierFor,
  type Mode,
} from "../../fixtures/verifiers.js";

const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
const pool = signingKey("pool-kid");
const impostor = signingKey("pool-kid");

const routes = [
  ["GET", "/me"],
  ["PATCH", "/me"],
  ["POST", "/notes"],
  ["GET", "/notes"],
  ["PUT", "/notes/01J0ABCDEFGHJKMNPQRSTVWXYZ"],
  ["DELETE", "/files/01J0ABCDEFGHJKMNPQRSTVWXYZ"],
] as const;

function localAuthorizer(mode: Mode) {
  const verifier = verifierFor(
    mode,
    countingFetcher(() => jwksOf(pool)),
  );
  verifier.cacheJwks(jwksOf(pool));
  return authorizer((token) => verifier.verify(token));
}

afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(() => {
  stdout.mockRestore();
});

describe.each(modes)("local Cognito authorizer, $mode", (mode) => {
  const ctx = tokenContext(mode);
  const token = `Bearer ${sign(
    pool,
    accessClaims(ctx, {
      "cognito:groups": ["beta"],
      email: "ada@example.com",
      org: "example.com",
      plan: "pro",
    }),
  )}`;

  it.each(rejectedCases(pool, impostor, ctx))(
    "throws exactly Unauthorized for $name",
    async ({ authorization }) => {
      const event = authorizerEvent({ authorization, methodArn: offlineArn("GET", "/me") });

      await expect(localAuthorizer(mode)(event)).rejects.toThrow(/^Unauthorized$/);
    },
  );

  it("allows a valid access token with the claims flat in the context", async () => {
    const result = await localAuthorizer(mode)(authorizerEvent({ authorization: token }));

    expect(result.principalId).toBe("6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10");
    expect(result.context).toEqual({
      sub: "6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10",
      username: "6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10",
      groups: "beta",
      email: "ada@example.com",
      org: "example.com",
      plan: "pro",
    });
  });

  it("accepts the scheme in any case", async () => {
    const event = authorizerEvent({ authorization: token.replace("Bearer", "bEARER") });

    const result = await localAuthorizer(mode)(event);

    expect(evaluatePolicy(result.policyDocument, event.methodArn)).toBe("Allow");
  });

  it.each(routes)("a policy made for %s %s allows every route of the API", async (method, path) => {
    const event = authorizerEvent({ authorization: token, methodArn: offlineArn(method, path) });

    const result = await localAuthorizer(mode)(event);

    for (const [otherMethod, otherPath] of routes) {
      const arn = offlineArn(otherMethod, otherPath);
      expect(evaluatePolicy(result.policyDocument, arn), arn).toBe("Allow");
    }
  });

  it("does not allow another stage or API", async () => {
    const result = await localAuthorizer(mode)(
      authorizerEvent({ authorization: token, methodArn: awsArn("GET", "/me") }),
    );

    const prod = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/me";
    const other = "arn:aws:execute-api:us-east-1:123456789012:zzzzzzzzzz/dev/GET/me";
    expect(evaluatePolicy(result.policyDocument, prod)).toBe("Deny");
    expect(evaluatePolicy(result.policyDocument, other)).toBe("Deny");
  });

  it("gives handlers the caller through requireUser", async () => {
    const result = await localAuthorizer(mode)(authorizerEvent({ authorization: token }));
    const { sub = null, ...claims } = result.context as Record<string, string>;

    const user = requireUser(apiEvent({ sub, claims, authorizer: "lambda" }));

    expect(user).toEqual({
      sub: "6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10",
      email: "ada@example.com",
      groups: ["beta"],
      org: "example.com",
      plan: "pro",
    });
  });
});

describe("local Cognito authorizer handler", () => {
  it("verifies with the verifier configured from the environment", async () => {
    const mode = modes[1];
    vi.stubEnv("JWT_ISSUER", mode.issuer);
    vi.stubEnv("USER_POOL_CLIENT_ID", CLIENT_ID);
    localAccessTokenVerifier().cacheJwks(jwksOf(pool));
    const valid = sign(pool, accessClaims(tokenContext(mode)));
    const otherIssuer = sign(pool, accessClaims(tokenContext(modes[0])));

    const result = await handler(authorizerEvent({ authorization: `Bearer ${valid}` }));

    expect(result.context?.["sub"]).toBe("6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10");
    await expect(
      handler(authorizerEvent({ authorization: `Bearer ${otherIssuer}` })),
    ).rejects.toThrow(/^Unauthorized$/);
  });
});
