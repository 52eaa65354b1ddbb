import { randomUUID } from "node:crypto";
import { NonRetryableFetchError } from "aws-jwt-verify/error";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { JWKS_PENALTY_SECONDS, accessTokenVerifier } from "../../../shared/auth/access-token.js";
import { fetchFetcher, localAccessTokenVerifier } from "../../../scripts/local/access-token.js";
import { accessClaims, jwksOf, sign, signingKey, type SigningKey } from "../../fixtures/jwt.js";
import {
  CLIENT_ID,
  USER_POOL_ID,
  countingFetcher,
  modes,
  tokenContext,
  verifierFor,
} from "../../fixtures/verifiers.js";

let pool: SigningKey;
let rotated: SigningKey;

beforeAll(() => {
  pool = signingKey("pool-key-1");
  rotated = signingKey("pool-key-2");
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe.each(modes)("the access-token verifier, $mode", (mode) => {
  const ctx = tokenContext(mode);

  it("returns the claims the API uses from a valid access token", async () => {
    const verifier = verifierFor(
      mode,
      countingFetcher(() => jwksOf(pool)),
    );
    verifier.cacheJwks(jwksOf(pool));
    const token = sign(
      pool,
      accessClaims(ctx, {
        "cognito:groups": ["admins", "beta"],
        email: "ada@example.com",
        org: "example.com",
        plan: "pro",
      }),
    );

    const claims = await verifier.verify(token);

    expect(claims).toEqual({
      sub: "6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10",
      username: "6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10",
      groups: ["admins", "beta"],
      email: "ada@example.com",
      org: "example.com",
      plan: "pro",
    });
  });

  it("gives no groups and leaves optional claims out when the token has none", async () => {
    const verifier = verifierFor(
      mode,
      countingFetcher(() => jwksOf(pool)),
    );
    verifier.cacheJwks(jwksOf(pool));

    const claims = await verifier.verify(sign(pool, accessClaims(ctx)));

    expect(claims.groups).toEqual([]);
    expect(claims.email).toBeUndefined();
    expect(claims.org).toBeUndefined();
  });

  it("downloads the pool's JWKS once and keeps it for later tokens", async () => {
    const fetcher = countingFetcher(() => jwksOf(pool));
    const verifier = verifierFor(mode, fetcher);

    await verifier.verify(sign(pool, accessClaims(ctx)));
    await verifier.verify(sign(pool, accessClaims(ctx)));

    expect(fetcher.calls).toEqual([`${mode.issuer}/.well-known/jwks.json`]);
  });

  it("fetches the JWKS at most once for a flood of unknown kids at once", async () => {
    const fetcher = countingFetcher(() => jwksOf(pool));
    const verifier = verifierFor(mode, fetcher);
    verifier.cacheJwks(jwksOf(pool));
    const forged = Array.from({ length: 50 }, () =>
      sign(pool, accessClaims(ctx), { kid: randomUUID() }),
    );

    const results = await Promise.allSettled(forged.map((token) => verifier.verify(token)));

    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(fetcher.calls.length).toBeLessThanOrEqual(1);
  });

  it("fetches the JWKS at most once for unknown kids one after another", async () => {
    const fetcher = countingFetcher(() => jwksOf(pool));
    const verifier = verifierFor(mode, fetcher);
    verifier.cacheJwks(jwksOf(pool));

    for (let i = 0; i < 50; i++) {
      const token = sign(pool, accessClaims(ctx), { kid: randomUUID() });
      await expect(verifier.verify(token)).rejects.toThrow();
    }

    expect(fetcher.calls.length).toBe(1);
  });

  it("fetches the JWKS at most once for unknown kids when its cache is still empty", async () => {
    const fetcher = countingFetcher(() => jwksOf(pool));
    const verifier = verifierFor(mode, fetcher);
    const forged = Array.from({ length: 50 }, () =>
      sign(pool, accessClaims(ctx), { kid: randomUUID() }),
    );

    await Promise.allSettled(forged.map((token) => verifier.verify(token)));
    for (const token of forged.slice(0, 10)) await expect(verifier.verify(token)).rejects.toThrow();

    expect(fetcher.calls.length).toBe(1);
  });

  it("keeps accepting known keys while unknown kids are being refused", async () => {
    const verifier = verifierFor(
      mode,
      countingFetcher(() => jwksOf(pool)),
    );
    verifier.cacheJwks(jwksOf(pool));
    await expect(verifier.verify(sign(pool, accessClaims(ctx), { kid: "nope" }))).rejects.toThrow();

    const claims = await verifier.verify(sign(pool, accessClaims(ctx)));

    expect(claims.sub).toBe("6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10");
  });

  it("does not retry a failing JWKS endpoint for every token", async () => {
    const fetcher = countingFetcher(() => {
      throw new Error("connection refused");
    });
    const verifier = verifierFor(mode, fetcher);
    const tokens = Array.from({ length: 50 }, () => sign(pool, accessClaims(ctx)));

    await Promise.allSettled(tokens.slice(0, 25).map((token) => verifier.verify(token)));
    for (const token of tokens.slice(25)) await expect(verifier.verify(token)).rejects.toThrow();

    expect(fetcher.calls.length).toBe(1);
  });

  it("picks up a rotated key once the penalty period is over", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let published = jwksOf(pool);
    const fetcher = countingFetcher(() => published);
    const verifier = verifierFor(mode, fetcher);
    verifier.cacheJwks(jwksOf(pool));
    const next = sign(rotated, accessClaims(ctx));
    await expect(verifier.verify(next)).rejects.toThrow();
    published = jwksOf(pool, rotated);

    await expect(verifier.verify(next)).rejects.toThrow();
    vi.advanceTimersByTime(JWKS_PENALTY_SECONDS * 1000);
    const claims = await verifier.verify(next);

    expect(claims.sub).toBe("6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10");
    expect(fetcher.calls.length).toBe(2);
  });
});

describe("fetchFetcher", () => {
  it("returns the body of a 200 response (over http too)", async () => {
    const fetchMock = vi.fn(() => Promise.resolve(new Response('{"keys":[]}', { status: 200 })));
    vi.stubGlobal("fetch", fetchMock);

    const body = await fetchFetcher.fetch("http://127.0.0.1:9229/local_abc/.well-known/jwks.json");

    expect(new TextDecoder().decode(body)).toBe('{"keys":[]}');
    expect(fetchMock).toHaveBeenCalledOnce();
  });

  it("fails without retry on any other status", async () => {
    vi.stubGlobal("fetch", () => Promise.resolve(new Response("nope", { status: 503 })));

    await expect(fetchFetcher.fetch("http://127.0.0.1:9229/x")).rejects.toBeInstanceOf(
      NonRetryableFetchError,
    );
  });
});

describe("accessTokenVerifier", () => {
  it("is built once from the environment's pool and client", async () => {
    const mode = modes[0];
    vi.stubEnv("USER_POOL_ID", USER_POOL_ID);
    vi.stubEnv("USER_POOL_CLIENT_ID", CLIENT_ID);
    accessTokenVerifier().cacheJwks(jwksOf(pool));

    const claims = await accessTokenVerifier().verify(sign(pool, accessClaims(tokenContext(mode))));

    expect(accessTokenVerifier()).toBe(accessTokenVerifier());
    expect(claims.sub).toBe("6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10");
  });
});

describe("localAccessTokenVerifier", () => {
  it("is built once from JWT_ISSUER, and accepts only the emulator's tokens", async () => {
    vi.stubEnv("JWT_ISSUER", modes[1].issuer);
    vi.stubEnv("USER_POOL_CLIENT_ID", CLIENT_ID);
    localAccessTokenVerifier().cacheJwks(jwksOf(pool));

    const claims = await localAccessTokenVerifier().verify(
      sign(pool, accessClaims(tokenContext(modes[1]))),
    );

    expect(localAccessTokenVerifier()).toBe(localAccessTokenVerifier());
    expect(claims.sub).toBe("6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10");
    await expect(
      localAccessTokenVerifier().verify(sign(pool, accessClaims(tokenContext(modes[0])))),
    ).rejects.toThrow();
  });
});
