/**
 * docs/security.md "Tokens" against the running local stack, over HTTP only: every refused token gets a
 * 401 problem+json from `GET /me` (guarded by the local stand-in for API Gateway's Cognito
 * authorizer) and from `GET /admin/users` (the custom authorizer), and the body never echoes the
 * token. Forged tokens are real ones from the Cognito emulator, altered or re-signed: by another
 * key under the emulator's kid, with alg none, with HS256 keyed by the emulator's published key,
 * and (for "valid signature, wrong claims") by the emulator's own private key, which cognito-local
 * ships and which only tests may use.
 */
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
} from "node:crypto";
import { request } from "node:http";
import {
  CreateUserPoolClientCommand,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { beforeAll, describe, expect, it } from "vitest";
import { emulator } from "../../scripts/local/cognito/emulator.js";
import { rejectedCases } from "../fixtures/rejected-tokens.js";
import { b64, now, sign, signingKey, type SigningKey } from "../fixtures/jwt.js";
import { stack } from "../support/stack.js";
import {
  TEST_PASSWORD,
  callApi,
  cognito,
  createUser,
  signIn,
  signInAdmin,
  type TestUser,
} from "../support/users.js";

const EMULATOR_KID = "CognitoLocal";

const emulatorPrivateKey: KeyObject = createPrivateKey({
  key: emulator.privateKey.jwk,
  format: "jwk",
});

/** The emulator's signing key, as its JWKS publishes it (tests only). */
const emulatorKey: SigningKey = {
  kid: EMULATOR_KID,
  privateKey: emulatorPrivateKey,
  publicKey: createPublicKey(emulatorPrivateKey),
};

/** Never published, but claiming the emulator's kid. */
const impostor = signingKey(EMULATOR_KID);

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * A request with exactly these Authorization header lines (none, one or several), over node:http
 * because `fetch` would merge repeated headers into one.
 */
function send(method: string, path: string, authorization?: string | string[]): Promise<Answer> {
  const url = new URL(`${stack().apiUrl}${path}`);
  const headers = ["Host", url.host];
  for (const value of [authorization ?? []].flat()) headers.push("Authorization", value);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method, headers, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => {
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers["content-type"] ?? "",
            body,
          });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

/** `token`'s claims with `changes` applied (undefined removes a claim), signed by `key`. */
function resign(token: string, key: SigningKey, changes: Record<string, unknown> = {}): string {
  return sign(key, { ...payloadOf(token), ...changes });
}

function withPayload(token: string, changes: Record<string, unknown>): string {
  const [header = "", , signature = ""] = token.split(".");
  return `${header}.${b64({ ...payloadOf(token), ...changes })}.${signature}`;
}

function flipSignatureCharacter(token: string): string {
  const [header = "", payload = "", signature = ""] = token.split(".");
  const i = Math.floor(signature.length / 2);
  const flipped = signature[i] === "A" ? "B" : "A";
  return `${header}.${payload}.${signature.slice(0, i)}${flipped}${signature.slice(i + 1)}`;
}

/** What a client holds after signing in: its tokens, and an access token of another app client. */
interface Issued {
  accessToken: string;
  idToken: string;
  otherClientAccessToken: string;
  /** The emulator's JWKS key, as PEM: the "secret" of the HS256 confusion attack. */
  publishedKeyPem: string;
}

/** The alg-confusion attack: `token`'s claims, HS256 with the RSA public key as HMAC secret. */
function hs256(token: string, secret: string): string {
  const input = `${b64({ alg: "HS256", kid: EMULATOR_KID, typ: "JWT" })}.${token.split(".")[1] ?? ""}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** Tokens the emulator issued, each made wrong in one way. */
const forgedFromRealTokens: { name: string; token: (issued: Issued) => string }[] = [
  { name: "an ID token of the same user", token: (t) => t.idToken },
  { name: "an access token of another app client", token: (t) => t.otherClientAccessToken },
  {
    name: "a real access token with one signature character changed",
    token: (t) => flipSignatureCharacter(t.accessToken),
  },
  {
    name: "a real access token whose payload claims another sub and the admins group",
    token: (t) =>
      withPayload(t.accessToken, {
        sub: "00000000-0000-4000-8000-000000000000",
        "cognito:groups": ["admins"],
      }),
  },
  {
    name: "a real access token re-labelled alg none, without signature",
    token: (t) => `${b64({ alg: "none", typ: "JWT" })}.${t.accessToken.split(".")[1] ?? ""}.`,
  },
  {
    name: "a real access token re-signed HS256 with the emulator's published key",
    token: (t) => hs256(t.accessToken, t.publishedKeyPem),
  },
  {
    name: "a real access token re-signed by another key under the emulator's kid",
    token: (t) => resign(t.accessToken, impostor),
  },
  {
    name: "a real access token re-signed under an unknown kid",
    token: (t) => sign(impostor, payloadOf(t.accessToken), { kid: "rotated-away" }),
  },
  {
    name: "an expired access token, validly signed",
    token: (t) => resign(t.accessToken, emulatorKey, { iat: now() - 7200, exp: now() - 60 }),
  },
  {
    name: "an access token not valid yet, validly signed",
    token: (t) => resign(t.accessToken, emulatorKey, { nbf: now() + 600 }),
  },
  {
    name: "an access token of another issuer, validly signed",
    token: (t) =>
      resign(t.accessToken, emulatorKey, {
        iss: `${stack().cognito.endpoint}/local_AnotherPool`,
      }),
  },
  {
    name: "an access token relabelled token_use id, validly signed",
    token: (t) => resign(t.accessToken, emulatorKey, { token_use: "id" }),
  },
  {
    name: "an access token without the sign-in scope, validly signed",
    token: (t) => resign(t.accessToken, emulatorKey, { scope: "openid" }),
  },
  {
    name: "an access token without expiry, validly signed",
    token: (t) => resign(t.accessToken, emulatorKey, { exp: undefined }),
  },
  { name: "a real access token with text after it", token: (t) => `${t.accessToken} x` },
  {
    name: "a real access token with an extra segment",
    token: (t) => `${t.accessToken}.${t.accessToken.split(".")[2] ?? ""}`,
  },
];

/** The routes behind each authorizer, and whose tokens are forged for it (a user's, an admin's). */
const routes = [
  { path: "/me", authorizer: "the Cognito stand-in", caller: "user" },
  { path: "/admin/users", authorizer: "the admin authorizer", caller: "admin" },
] as const;

async function otherClientAccessToken(email: string, password: string): Promise<string> {
  const { UserPoolClient } = await cognito().send(
    new CreateUserPoolClientCommand({
      UserPoolId: stack().cognito.userPoolId,
      ClientName: "another-app",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  const { AuthenticationResult } = await cognito().send(
    new InitiateAuthCommand({
      ClientId: UserPoolClient?.ClientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  if (!AuthenticationResult?.AccessToken) throw new Error("the other app client issued no token");
  return AuthenticationResult.AccessToken;
}

async function publishedKeyPem(): Promise<string> {
  const response = await fetch(`${stack().cognito.issuer}/.well-known/jwks.json`);
  const { keys } = (await response.json()) as { keys: (JsonWebKey & { kid?: string })[] };
  const jwk = keys.find((k) => k.kid === EMULATOR_KID);
  if (!jwk) throw new Error(`the emulator publishes no key ${EMULATOR_KID}`);
  return createPublicKey({ key: jwk, format: "jwk" })
    .export({ format: "pem", type: "spki" })
    .toString();
}

/** The token-bearing parts of an Authorization value, none of which a response may echo. */
function tokenParts(authorization: string | string[] | undefined): string[] {
  return [authorization ?? []]
    .flat()
    .map((value) => value.replace(/^\S+\s+/, ""))
    .flatMap((token) => [token, ...token.split(/[.\s]/)])
    .filter((part) => part.length >= 8);
}

function expectRefused(answer: Answer, authorization: string | string[] | undefined): void {
  expect(answer.status).toBe(401);
  expect(answer.contentType).toContain("application/problem+json");
  expect(JSON.parse(answer.body)).toMatchObject({ status: 401, title: "Unauthorized" });
  expect(answer.body).not.toMatch(/eyJ/);
  for (const part of tokenParts(authorization)) expect(answer.body).not.toContain(part);
}

describe("refused tokens on the local stack (docs/security.md Tokens)", () => {
  const issued = {} as Record<"user" | "admin", Issued>;
  let user: TestUser;

  beforeAll(async () => {
    const pem = await publishedKeyPem();
    user = await createUser();
    const admin = await signInAdmin();
    issued.user = {
      accessToken: user.accessToken,
      idToken: user.idToken,
      otherClientAccessToken: await otherClientAccessToken(user.email, user.password),
      publishedKeyPem: pem,
    };
    issued.admin = {
      accessToken: admin.accessToken,
      idToken: admin.idToken,
      otherClientAccessToken: await otherClientAccessToken(admin.email, admin.password),
      publishedKeyPem: pem,
    };
  }, 120_000);

  it("checks its assumptions: the emulator publishes the key the forgeries use", async () => {
    const pem = await publishedKeyPem();

    expect(pem).toBe(emulatorKey.publicKey.export({ format: "pem", type: "spki" }).toString());
  });

  describe.each(routes)("GET $path ($authorizer)", ({ path, caller }) => {
    it(`accepts the ${caller}'s own access token`, async () => {
      const answer = await send("GET", path, `Bearer ${issued[caller].accessToken}`);

      expect(answer.status).toBe(200);
    });

    it("accepts a token the test signs with the emulator's key, so refusals below are not about the key", async () => {
      const token = resign(issued[caller].accessToken, emulatorKey, { jti: "test-signed" });

      const answer = await send("GET", path, `Bearer ${token}`);

      expect(answer.status).toBe(200);
    });

    const { userPoolClientId: clientId, issuer } = stack().cognito;
    const synthetic = rejectedCases(emulatorKey, impostor, { issuer, clientId });

    it.each(synthetic)("answers 401 to $name", async ({ authorization }) => {
      const answer = await send("GET", path, authorization);

      expectRefused(answer, authorization);
    });

    it.each(forgedFromRealTokens)("answers 401 to $name", async ({ token }) => {
      const authorization = `Bearer ${token(issued[caller])}`;

      const answer = await send("GET", path, authorization);

      expectRefused(answer, authorization);
    });
  });

  it("still answers 200 to the user's real token after all those refusals", async () => {
    const response = await callApi("/me", { token: user.accessToken });

    expect(response.status).toBe(200);
    expect(((await response.json()) as { sub: string }).sub).toBe(user.sub);
  });
});

interface AdminUser {
  sub: string;
  status: string;
}

async function statusOf(adminToken: string, sub: string): Promise<string | undefined> {
  let cursor: string | undefined;
  do {
    const query = cursor === undefined ? "?limit=100" : `?limit=100&cursor=${cursor}`;
    const response = await callApi(`/admin/users${query}`, { token: adminToken });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: AdminUser[]; nextCursor?: string };
    const found = page.items.find((item) => item.sub === sub);
    if (found) return found.status;
    cursor = page.nextCursor === undefined ? undefined : encodeURIComponent(page.nextCursor);
  } while (cursor !== undefined);
  return undefined;
}

const adminRoutes = [
  { method: "GET", route: "/admin/users", path: () => "/admin/users" },
  {
    method: "POST",
    route: "/admin/users/{sub}/disable",
    path: (sub: string) => `/admin/users/${sub}/disable`,
  },
  {
    method: "POST",
    route: "/admin/users/{sub}/enable",
    path: (sub: string) => `/admin/users/${sub}/enable`,
  },
] as const;

describe("admin routes on the local stack", () => {
  let admin: TestUser;
  let caller: TestUser;
  let target: TestUser;

  beforeAll(async () => {
    admin = await signInAdmin();
    caller = await createUser();
    target = await createUser();
  }, 120_000);

  it.each(adminRoutes)(
    "answers 403 problem+json to a signed-in non-admin on $method $route",
    async ({ method, path }) => {
      const response = await callApi(path(target.sub), { method, token: caller.accessToken });

      expect(response.status).toBe(403);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      expect(await response.json()).toMatchObject({ status: 403, title: "Forbidden" });
      expect(await statusOf(admin.accessToken, target.sub)).toBe("active");
    },
  );

  it("leaves a non-admin's target able to sign in after their disable attempt", async () => {
    await callApi(`/admin/users/${target.sub}/disable`, {
      method: "POST",
      token: caller.accessToken,
    });

    await expect(signIn(target.email, TEST_PASSWORD)).resolves.toHaveProperty("accessToken");
  });

  it("does not let a disabled user re-enable themselves with a token issued before", async () => {
    const victim = await createUser();
    const disabled = await callApi(`/admin/users/${victim.sub}/disable`, {
      method: "POST",
      token: admin.accessToken,
    });

    const response = await callApi(`/admin/users/${victim.sub}/enable`, {
      method: "POST",
      token: victim.accessToken,
    });

    expect(disabled.status).toBe(204);
    expect(response.status).toBe(403);
    expect(await statusOf(admin.accessToken, victim.sub)).toBe("disabled");
  });

  it("lets the admin use every admin route with one token, in any order", async () => {
    const list = await callApi("/admin/users", { token: admin.accessToken });
    const disable = await callApi(`/admin/users/${target.sub}/disable`, {
      method: "POST",
      token: admin.accessToken,
    });
    const afterDisable = await statusOf(admin.accessToken, target.sub);
    const enable = await callApi(`/admin/users/${target.sub}/enable`, {
      method: "POST",
      token: admin.accessToken,
    });
    const afterEnable = await statusOf(admin.accessToken, target.sub);

    expect(list.status).toBe(200);
    expect(disable.status).toBe(204);
    expect(afterDisable).toBe("disabled");
    expect(enable.status).toBe(204);
    expect(afterEnable).toBe("active");
  });

  it("keeps the non-admin's own routes working after their admin refusals", async () => {
    const response = await callApi("/me", { token: caller.accessToken });

    expect(response.status).toBe(200);
  });
});
