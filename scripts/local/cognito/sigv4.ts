/**
 * Cognito's IAM-authorized actions (AdminGetUser, ListUsers, CreateGroup, ...) need a request
 * signed with AWS Signature Version 4; the emulator answers them without any credentials. Any key
 * pair signs for the emulator (there is no secret to check the signature against), so this checks
 * what can be checked: the `Authorization` header's shape, the credential scope (date, region,
 * service `cognito-idp`), the signed headers, and a request time within AWS's 15 minutes.
 */

/** Actions callers make without AWS credentials: sign-up, sign-in, recovery, token use. */
const UNAUTHENTICATED = new Set([
  "AssociateSoftwareToken",
  "ConfirmDevice",
  "ConfirmForgotPassword",
  "ConfirmSignUp",
  "ForgotPassword",
  "GetTokensFromRefreshToken",
  "InitiateAuth",
  "ResendConfirmationCode",
  "RespondToAuthChallenge",
  "RevokeToken",
  "SignUp",
  "VerifySoftwareToken",
]);

/** True when Cognito authorizes `target` with IAM credentials (a SigV4 signature). */
export function needsSignature(target: string, tokenAuthorized: ReadonlySet<string>): boolean {
  return !UNAUTHENTICATED.has(target) && !tokenAuthorized.has(target);
}

export interface Refusal {
  type: string;
  message: string;
}

const MAX_SKEW_MS = 15 * 60 * 1000;

function amzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, ...number[]];
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s);
}

/**
 * Checks a request's SigV4 `Authorization` header the way Cognito would before looking at the
 * signature itself; returns the error AWS gives, or undefined when the request may go on.
 */
export function checkSignature(
  headers: Record<string, string | string[] | undefined>,
  now = Date.now(),
): Refusal | undefined {
  const authorization = headers["authorization"];
  if (typeof authorization !== "string" || authorization === "") {
    return { type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
  }
  const match = /^AWS4-HMAC-SHA256 (.+)$/.exec(authorization);
  const fields = new Map(
    (match?.[1] ?? "").split(/,\s*/).map((pair) => {
      const at = pair.indexOf("=");
      return [pair.slice(0, at), pair.slice(at + 1)] as const;
    }),
  );
  const credential = fields.get("Credential");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!match || !credential || !signedHeaders || !signature) {
    return {
      type: "IncompleteSignatureException",
      message: `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters (algorithm AWS4-HMAC-SHA256). Authorization=${authorization.split(" ")[0] ?? ""}`,
    };
  }
  const [keyId = "", day = "", region = "", service = "", terminator = "", ...rest] =
    credential.split("/");
  if (!/^[A-Za-z0-9]{1,128}$/.test(keyId) || rest.length > 0 || terminator !== "aws4_request") {
    return {
      type: "IncompleteSignatureException",
      message: `Credential should be scoped to a valid region, service and 'aws4_request': ${credential}`,
    };
  }
  if (service !== "cognito-idp") {
    return {
      type: "InvalidSignatureException",
      message: "Credential should be scoped to correct service: 'cognito-idp'.",
    };
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    return {
      type: "InvalidSignatureException",
      message: `Credential should be scoped to a valid region, not '${region}'.`,
    };
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) {
    return {
      type: "IncompleteSignatureException",
      message: "Signature must be 64 hexadecimal characters.",
    };
  }
  const signed = signedHeaders.split(";");
  const requestDate = headers["x-amz-date"];
  if (!signed.includes("host") || !signed.includes("x-amz-date")) {
    return {
      type: "InvalidSignatureException",
      message: "'Host' and 'X-Amz-Date' must be among the signed headers.",
    };
  }
  const time = typeof requestDate === "string" ? amzDate(requestDate) : undefined;
  if (time === undefined || typeof requestDate !== "string") {
    return {
      type: "IncompleteSignatureException",
      message: "Date must be in ISO-8601 'basic format'. Got 'X-Amz-Date' missing or malformed.",
    };
  }
  if (requestDate.slice(0, 8) !== day) {
    return {
      type: "InvalidSignatureException",
      message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${day}' != '${requestDate.slice(0, 8)}'`,
    };
  }
  if (Math.abs(now - time) > MAX_SKEW_MS) {
    return {
      type: "InvalidSignatureException",
      message: `Signature expired: ${requestDate} is now earlier or later than 15 min. from the server time.`,
    };
  }
  return undefined;
}
