/**
 * The admin authorizer in-process, as deployed (AWS mode, `CognitoJwtVerifier`), with its key
 * cache warm: the JWKS of a key generated here is loaded with `cacheJwks`, and the tokens are
 * signed in-process, so no network is involved. One thread: what one Lambda core can do. A bare
 * RSA-2048 signature check (node:crypto) runs in the same interleaved batches: the ceiling any
 * verifier has on this machine, against which the authorizer's rate can be read.
 */
import { createVerify } from "node:crypto";
import { authorizer } from "../../functions/authorizers/admin.js";
import { createAccessTokenVerifier } from "../../shared/auth/access-token.js";
import { authorizerEvent } from "../../test/fixtures/authorizer-events.js";
import { accessClaims, jwksOf, sign, signingKey } from "../../test/fixtures/jwt.js";
import {
  micros,
  rate,
  sample,
  summarize,
  withoutStdout,
  type Micros,
  type Rate,
  type Sample,
} from "./timing.js";

const USER_POOL_ID = "us-east-1_BenchPool1";
const CLIENT_ID = "4bench5client6id7for8bench";
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${USER_POOL_ID}`;
const TOKENS = 64;
const BATCHES = 30;

export interface AuthorizerFigures {
  /** Whole authorizer invocations (header parsing, verification, policy) per second. */
  verifications: Rate;
  /** `verify()` alone, per second. */
  verifyOnly: Rate;
  /** The RSA signature check alone (node:crypto, cached public key), per second. */
  signatureOnly: Rate;
  /** To reject `Bearer not-a-jwt` (refused before any decoding). */
  rejectMalformedHeader: Micros;
  /** To reject a JWT-shaped token whose segments are not base64url JSON. */
  rejectMalformedJwt: Micros;
}

async function rejected(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error && error.message === "Unauthorized") return;
    throw error;
  }
  throw new Error("The authorizer accepted a malformed token");
}

export async function benchAuthorizer(ms: number): Promise<AuthorizerFigures> {
  const key = signingKey();
  const verifier = createAccessTokenVerifier({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID });
  verifier.cacheJwks(jwksOf(key));
  const handler = authorizer((token) => verifier.verify(token));
  const context = { issuer: ISSUER, clientId: CLIENT_ID };
  const tokens = Array.from({ length: TOKENS }, (_, i) =>
    sign(key, accessClaims(context, { "cognito:groups": ["admins"], username: `admin-${i}` })),
  );
  const events = tokens.map((token) => authorizerEvent({ authorization: `Bearer ${token}` }));
  const first = await handler(events[0] ?? authorizerEvent());
  if (first.policyDocument.Statement[0]?.Effect !== "Allow") {
    throw new Error("The authorizer did not allow a valid admin token");
  }

  const publicKey = key.publicKey;
  const signed = tokens.map((token) => {
    const [header = "", payload = "", signature = ""] = token.split(".");
    return { input: `${header}.${payload}`, signature };
  });
  let next = 0;
  const operations = {
    verifications: () => handler(events[next++ % events.length] ?? authorizerEvent()),
    verifyOnly: () => verifier.verify(tokens[next++ % tokens.length] ?? ""),
    signatureOnly: () => {
      const { input, signature } = signed[next++ % signed.length] ?? { input: "", signature: "" };
      return Promise.resolve(
        createVerify("RSA-SHA256").update(input).verify(publicKey, signature, "base64url"),
      );
    },
  };
  const samples: Record<keyof typeof operations, Sample[]> = {
    verifications: [],
    verifyOnly: [],
    signatureOnly: [],
  };
  for (const operation of Object.values(operations)) {
    for (let i = 0; i < 200; i++) await operation();
  }
  for (let i = 0; i < BATCHES; i++) {
    for (const [name, operation] of Object.entries(operations)) {
      samples[name as keyof typeof operations].push(await sample(operation, ms / BATCHES));
    }
  }
  const malformedHeader = authorizerEvent({ authorization: "Bearer not-a-jwt" });
  const malformedJwt = authorizerEvent({ authorization: "Bearer eyJub3Q.anNvbg.c2ln" });
  const [header, jwt] = await withoutStdout(async () => [
    await rate(() => rejected(handler(malformedHeader)), ms / 2),
    await rate(() => rejected(handler(malformedJwt)), ms / 2),
  ]);
  return {
    verifications: summarize(samples.verifications),
    verifyOnly: summarize(samples.verifyOnly),
    signatureOnly: summarize(samples.signatureOnly),
    rejectMalformedHeader: micros(header),
    rejectMalformedJwt: micros(jwt),
  };
}
