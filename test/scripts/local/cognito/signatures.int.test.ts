/**
 * Cognito's IAM-authorized actions need a SigV4-signed request; the local Cognito refuses them
 * without one, as Cognito does, while sign-up and sign-in stay open to unsigned clients (browsers).
 */
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { stack } from "../../../support/stack.js";
import { TEST_PASSWORD, cognito, createUser, uniqueEmail } from "../../../support/users.js";

/** A real SDK client whose requests go out unsigned (as from a browser without credentials). */
function unsignedClient() {
  return new CognitoIdentityProviderClient({
    region: stack().region,
    endpoint: stack().cognito.endpoint,
    credentials: { accessKeyId: "unused", secretAccessKey: "unused" },
    signer: { sign: (request) => Promise.resolve(request) },
  });
}

async function post(target: string, headers: Record<string, string>) {
  const response = await fetch(stack().cognito.endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `AWSCognitoIdentityProviderService.${target}`,
      ...headers,
    },
    body: JSON.stringify({ UserPoolId: stack().cognito.userPoolId }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const amzDate = (date: Date) => date.toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");

function authorization(date: string, scope = `${date.slice(0, 8)}/us-east-1/cognito-idp`) {
  return `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${scope}/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${"a".repeat(64)}`;
}

describe("local Cognito admin APIs", () => {
  it("refuse an unsigned SDK call with MissingAuthenticationTokenException", async () => {
    const user = await createUser();

    await expect(
      unsignedClient().send(
        new AdminGetUserCommand({ UserPoolId: stack().cognito.userPoolId, Username: user.email }),
      ),
    ).rejects.toMatchObject({
      name: "MissingAuthenticationTokenException",
      $metadata: { httpStatusCode: 403 },
    });
  });

  it("answer a signed SDK call (any credentials)", async () => {
    const user = await createUser();

    const answer = await cognito().send(
      new AdminGetUserCommand({ UserPoolId: stack().cognito.userPoolId, Username: user.email }),
    );

    expect(answer.UserAttributes?.find((a) => a.Name === "email")?.Value).toBe(user.email);
  });

  it("refuse malformed, mis-scoped and stale signatures", async () => {
    const now = amzDate(new Date());
    const stale = amzDate(new Date(Date.now() - 20 * 60 * 1000));

    const cases = [
      [{ Authorization: "Bearer abc" }, "IncompleteSignatureException"],
      [
        { Authorization: authorization(now), "X-Amz-Date": now.slice(0, 8) },
        "IncompleteSignatureException",
      ],
      [
        { Authorization: authorization(now, `${now.slice(0, 8)}/us-east-1/s3`), "X-Amz-Date": now },
        "InvalidSignatureException",
      ],
      [{ Authorization: authorization(stale), "X-Amz-Date": stale }, "InvalidSignatureException"],
    ] as const;

    for (const [headers, type] of cases) {
      const { body } = await post("ListUsers", headers);
      expect(body["__type"]).toBe(type);
    }
    const accepted = await post("ListUsers", {
      Authorization: authorization(now),
      "X-Amz-Date": now,
    });
    expect(accepted.status).toBe(200);
  });

  it("refuse every IAM-authorized action unsigned, not only Admin* ones", async () => {
    await expect(
      unsignedClient().send(new ListUsersCommand({ UserPoolId: stack().cognito.userPoolId })),
    ).rejects.toMatchObject({ name: "MissingAuthenticationTokenException" });
  });
});

describe("local Cognito public APIs", () => {
  it("accept unsigned sign-up, as from a browser", async () => {
    const email = uniqueEmail();

    const answer = await unsignedClient().send(
      new SignUpCommand({
        ClientId: stack().cognito.userPoolClientId,
        Username: email,
        Password: TEST_PASSWORD,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );

    expect(answer.UserConfirmed).toBe(false);
  });
});
