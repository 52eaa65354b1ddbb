/**
 * docs/security.md "Faults": DynamoDB or S3 throttling, unavailable, timing out or unreachable, and a
 * JWKS endpoint that fails or hangs. Every route answers a clean problem (503 when retrying may
 * help, 500 otherwise) with no internal name in it, leaves nothing half-written, and works again
 * once the dependency is back. Faults are injected with aws-sdk-client-mock (and an injected JWKS
 * fetcher) into the real handlers and authorizers.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { NonRetryableFetchError } from "aws-jwt-verify/error";
import type { Fetcher } from "aws-jwt-verify/https";
import type { APIGatewayAuthorizerResult, APIGatewayProxyResult } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { authorizer as adminAuthorizer } from "../../functions/authorizers/admin.js";
import { authorizer as localAuthorizer } from "../../scripts/local/cognito-authorizer.js";
import { createLocalAccessTokenVerifier, timedFetcher } from "../../scripts/local/access-token.js";
import { handler as createFile } from "../../functions/create-file.js";
import { handler as createNote } from "../../functions/create-note.js";
import { handler as deleteFile } from "../../functions/delete-file.js";
import { handler as getFile } from "../../functions/get-file.js";
import { handler as getMe } from "../../functions/get-me.js";
import { handler as listFiles } from "../../functions/list-files.js";
import { handler as listNotes } from "../../functions/list-notes.js";
import { handler as updateMe } from "../../functions/update-me.js";
import { handler as updateNote } from "../../functions/update-note.js";
import { s3 } from "../../shared/runtime/aws.js";
import type { Verify } from "../../shared/auth/authorizer.js";
import { newId } from "../../shared/data/keys.js";
import { evaluatePolicy } from "../support/policy-evaluation.js";
import { JWKS_PENALTY_SECONDS } from "../../shared/auth/access-token.js";
import { apiEvent, bodyOf, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { authorizerEvent, awsArn } from "../fixtures/authorizer-events.js";
import { SECRET_TABLE } from "../fixtures/dynamo-faults.js";
import { accessClaims, jwksOf, sign, signingKey } from "../fixtures/jwt.js";
import { SECRET_BUCKET, TEST_CREDENTIALS } from "../fixtures/s3-uploads.js";
import { CLIENT_ID, modes, tokenContext, verifierFor } from "../fixtures/verifiers.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
vi.stubEnv("BUCKET_NAME", SECRET_BUCKET);
vi.stubEnv("S3_ENDPOINT", "");
for (const [name, value] of Object.entries(TEST_CREDENTIALS)) vi.stubEnv(name, value);
const table = mockClient(DynamoDBDocumentClient);
const bucket = mockClient(S3Client);
const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

let unsignable: { mockRestore: () => void } | undefined;

/** Makes presigning fail the way a credential provider does when it cannot load credentials. */
function failSigning(error: Error): void {
  unsignable = vi.spyOn(s3().config, "credentials").mockRejectedValue(error);
}

beforeEach(() => {
  table.reset();
  bucket.reset();
});
afterEach(() => {
  unsignable?.mockRestore();
  vi.useRealTimers();
});
afterAll(() => {
  table.restore();
  bucket.restore();
  stdout.mockRestore();
});

type Service = "dynamodb" | "s3";

const internalName = (service: Service) =>
  service === "s3"
    ? `arn:aws:s3:::${SECRET_BUCKET}/users/user-a/x`
    : `arn:aws:dynamodb:us-east-1:123456789012:table/${SECRET_TABLE}`;

function serviceError(service: Service, name: string, status: number): Error {
  const Exception = service === "s3" ? S3ServiceException : DynamoDBServiceException;
  return new Exception({
    name,
    $fault: status >= 500 ? "server" : "client",
    message: `${name} on ${internalName(service)}`,
    $metadata: { httpStatusCode: status, requestId: "REQ-7Q2Z9" },
  });
}

/** [name, error for a service, status the client must get]. */
const faults: [string, (service: Service) => Error, 500 | 503][] = [
  ["ThrottlingException", (s) => serviceError(s, "ThrottlingException", 400), 503],
  [
    "ProvisionedThroughputExceededException",
    (s) => serviceError(s, "ProvisionedThroughputExceededException", 400),
    503,
  ],
  ["ServiceUnavailable", (s) => serviceError(s, "ServiceUnavailable", 503), 503],
  [
    "TimeoutError",
    (s) =>
      Object.assign(new Error(`the request socket timed out after 1000 ms (${internalName(s)})`), {
        name: "TimeoutError",
      }),
    503,
  ],
  [
    "a network error",
    (s) =>
      Object.assign(new Error(`connect ECONNREFUSED 10.0.0.7:443 (${internalName(s)})`), {
        code: "ECONNREFUSED",
        errno: -111,
        syscall: "connect",
        address: "10.0.0.7",
        port: 443,
      }),
    503,
  ],
  ["a generic Error", (s) => new Error(`Unexpected state in ${internalName(s)}`), 500],
];

function expectCleanProblem(response: APIGatewayProxyResult, status: number, fault: Error) {
  expect(response.statusCode).toBe(status);
  expect(response.headers?.["Content-Type"]).toBe("application/problem+json");
  expect(bodyOf(response)).toEqual({
    type: "about:blank",
    title: status === 503 ? "Service Unavailable" : "Internal Server Error",
    status,
    detail: expect.any(String) as unknown,
  });
  expect(response.headers).not.toHaveProperty("Location");
  expect(response.headers).not.toHaveProperty("ETag");
  const leaks = [SECRET_TABLE, SECRET_BUCKET, "arn:", "ECONNREFUSED", "10.0.0.7", "REQ-7Q2Z9"];
  for (const leak of [...leaks, fault.message, "    at ", "Exception", "users/"]) {
    expect(response.body).not.toContain(leak);
  }
  if (fault.name !== "Error") expect(response.body).not.toContain(fault.name);
}

const writeCommands = new Set(["PutCommand", "UpdateCommand", "DeleteCommand"]);
const objectWrites = new Set(["PutObjectCommand", "DeleteObjectCommand", "CopyObjectCommand"]);

/** Every write attempted so far, table and bucket, in order of kind. */
function writes(): string[] {
  const names = (calls: { args: unknown[] }[]) =>
    calls.map((call) => (call.args[0] as object).constructor.name);
  return [
    ...names(table.calls()).filter((name) => writeCommands.has(name)),
    ...names(bucket.calls()).filter((name) => objectWrites.has(name)),
  ];
}

const now = new Date().toISOString();
const noteId = newId();
const fileId = newId();
const note = { noteId, title: "t", body: "b", version: 2, createdAt: now, updatedAt: now };
const profile = {
  sub: "user-a",
  email: "ada@example.com",
  displayName: "Ada",
  plan: "free",
  status: "active",
  createdAt: now,
  lastLoginAt: null,
  loginCount: 1,
};
const fileItem = (status: string, createdAt = now) => ({
  pk: "USER#user-a",
  sk: `FILE#${fileId}`,
  fileId,
  fileName: "a.txt",
  contentType: "text/plain",
  size: 5,
  createdAt,
  status,
});
/** Created long before its upload window and grace period: S3 saying "absent" would drop it. */
const abandonedAt = new Date(Date.now() - 3 * 3600 * 1000).toISOString();

const call = (handler: typeof getMe, options: ApiEventOptions) =>
  handler(apiEvent(options), lambdaContext());

interface Scenario {
  name: string;
  service: Service;
  /** Arranges the fault (and whatever the route reads before it). */
  fail: (error: Error) => void;
  /** Arranges a healthy dependency. */
  heal: () => void;
  request: () => Promise<APIGatewayProxyResult>;
  /** The writes attempted while failing: never more than the one that failed. */
  attempted: string[];
  healthy: number;
}

const scenarios: Scenario[] = [
  {
    name: "POST /notes when the write fails",
    service: "dynamodb",
    fail: (e) => table.on(PutCommand).rejects(e),
    heal: () => table.on(PutCommand).resolves({}),
    request: () =>
      call(createNote, { method: "POST", resource: "/notes", body: { title: "t", body: "b" } }),
    attempted: ["PutCommand"],
    healthy: 201,
  },
  {
    name: "PUT /notes/{noteId} when the conditional update fails",
    service: "dynamodb",
    fail: (e) => table.on(UpdateCommand).rejects(e),
    heal: () => table.on(UpdateCommand).resolves({ Attributes: { ...note, version: 3 } }),
    request: () =>
      call(updateNote, {
        method: "PUT",
        resource: "/notes/{noteId}",
        pathParameters: { noteId },
        body: { title: "new", body: "" },
        headers: { "If-Match": '"2"' },
      }),
    attempted: ["UpdateCommand"],
    healthy: 200,
  },
  {
    name: "GET /notes when the query fails",
    service: "dynamodb",
    fail: (e) => table.on(QueryCommand).rejects(e),
    heal: () => table.on(QueryCommand).resolves({ Items: [] }),
    request: () => call(listNotes, { resource: "/notes", query: { limit: "5" } }),
    attempted: [],
    healthy: 200,
  },
  {
    name: "POST /files when the metadata write fails",
    service: "dynamodb",
    fail: (e) => table.on(PutCommand).rejects(e),
    heal: () => table.on(PutCommand).resolves({}),
    request: () =>
      call(createFile, {
        method: "POST",
        resource: "/files",
        body: { fileName: "a.txt", contentType: "text/plain", size: 5 },
      }),
    attempted: ["PutCommand"],
    healthy: 201,
  },
  {
    name: "POST /files when signing the upload fails",
    service: "s3",
    fail: (e) => {
      table.on(PutCommand).resolves({});
      failSigning(e);
    },
    heal: () => {
      unsignable?.mockRestore();
      table.on(PutCommand).resolves({});
    },
    request: () =>
      call(createFile, {
        method: "POST",
        resource: "/files",
        body: { fileName: "a.txt", contentType: "text/plain", size: 5 },
      }),
    attempted: [],
    healthy: 201,
  },
  {
    name: "GET /files/{fileId} when the metadata read fails",
    service: "dynamodb",
    fail: (e) => table.on(GetCommand).rejects(e),
    heal: () => table.on(GetCommand).resolves({ Item: fileItem("available") }),
    request: () => call(getFile, { resource: "/files/{fileId}", pathParameters: { fileId } }),
    attempted: [],
    healthy: 200,
  },
  {
    name: "GET /files/{fileId} when S3 fails while checking an abandoned upload",
    service: "s3",
    fail: (e) => {
      table.on(GetCommand).resolves({ Item: fileItem("pending", abandonedAt) });
      bucket.on(HeadObjectCommand).rejects(e);
    },
    heal: () => {
      table.on(GetCommand).resolves({ Item: fileItem("pending", abandonedAt) });
      table.on(UpdateCommand).resolves({});
      bucket.on(HeadObjectCommand).resolves({ ContentLength: 5, ContentType: "text/plain" });
    },
    request: () => call(getFile, { resource: "/files/{fileId}", pathParameters: { fileId } }),
    attempted: [],
    healthy: 200,
  },
  {
    name: "GET /files when S3 fails while checking pending uploads",
    service: "s3",
    fail: (e) => {
      table.on(QueryCommand).resolves({ Items: [fileItem("pending", abandonedAt)] });
      bucket.on(HeadObjectCommand).rejects(e);
    },
    heal: () => {
      table.on(QueryCommand).resolves({ Items: [fileItem("pending", abandonedAt)] });
      table.on(UpdateCommand).resolves({});
      bucket.on(HeadObjectCommand).resolves({ ContentLength: 5, ContentType: "text/plain" });
    },
    request: () => call(listFiles, { resource: "/files" }),
    attempted: [],
    healthy: 200,
  },
  {
    name: "DELETE /files/{fileId} when deleting the object fails",
    service: "s3",
    fail: (e) => bucket.on(DeleteObjectCommand).rejects(e),
    heal: () => {
      bucket.on(DeleteObjectCommand).resolves({});
      table.on(DeleteCommand).resolves({});
    },
    request: () =>
      call(deleteFile, {
        method: "DELETE",
        resource: "/files/{fileId}",
        pathParameters: { fileId },
      }),
    attempted: ["DeleteObjectCommand"],
    healthy: 204,
  },
  {
    name: "DELETE /files/{fileId} when deleting the metadata fails after the object",
    service: "dynamodb",
    fail: (e) => {
      bucket.on(DeleteObjectCommand).resolves({});
      table.on(DeleteCommand).rejects(e);
    },
    heal: () => {
      bucket.on(DeleteObjectCommand).resolves({});
      table.on(DeleteCommand).resolves({});
    },
    request: () =>
      call(deleteFile, {
        method: "DELETE",
        resource: "/files/{fileId}",
        pathParameters: { fileId },
      }),
    attempted: ["DeleteCommand", "DeleteObjectCommand"],
    healthy: 204,
  },
  {
    name: "GET /me when the profile read fails",
    service: "dynamodb",
    fail: (e) => table.on(GetCommand).rejects(e),
    heal: () => table.on(GetCommand).resolves({ Item: profile }),
    request: () => call(getMe, { resource: "/me" }),
    attempted: [],
    healthy: 200,
  },
  {
    name: "PATCH /me when the update fails",
    service: "dynamodb",
    fail: (e) => table.on(UpdateCommand).rejects(e),
    heal: () => table.on(UpdateCommand).resolves({ Attributes: profile }),
    request: () =>
      call(updateMe, { method: "PATCH", resource: "/me", body: { displayName: "Ada" } }),
    attempted: ["UpdateCommand"],
    healthy: 200,
  },
];

describe.each(scenarios)("$name", (scenario) => {
  it.each(faults)(
    "answers a clean problem to %s, half-writes nothing and works once the service is back",
    async (_, fault, status) => {
      const error = fault(scenario.service);
      scenario.fail(error);

      const failed = await scenario.request();
      const attempted = writes();
      table.reset();
      bucket.reset();
      scenario.heal();
      const retried = await scenario.request();

      expectCleanProblem(failed, status, error);
      expect(attempted).toEqual(scenario.attempted);
      expect(retried.statusCode).toBe(scenario.healthy);
    },
  );
});

describe("nothing half-written", () => {
  it("POST /files stores no metadata when the upload cannot be signed", async () => {
    table.on(PutCommand).resolves({});
    failSigning(
      Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      }),
    );

    const response = await call(createFile, {
      method: "POST",
      resource: "/files",
      body: { fileName: "a.txt", contentType: "text/plain", size: 5 },
    });

    expect(response.statusCode).toBe(500);
    expect(table.commandCalls(PutCommand)).toHaveLength(0);
  });

  it("POST /files answers no upload form when the metadata write fails", async () => {
    table.on(PutCommand).rejects(serviceError("dynamodb", "ThrottlingException", 400));

    const response = await call(createFile, {
      method: "POST",
      resource: "/files",
      body: { fileName: "a.txt", contentType: "text/plain", size: 5 },
    });

    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain("Policy");
    expect(response.body).not.toContain("X-Amz-Signature");
  });

  it("DELETE /files keeps the metadata when S3 fails, so the file stays listed for a retry", async () => {
    bucket.on(DeleteObjectCommand).rejects(serviceError("s3", "ServiceUnavailable", 503));

    const failed = await call(deleteFile, {
      method: "DELETE",
      resource: "/files/{fileId}",
      pathParameters: { fileId },
    });

    expect(failed.statusCode).toBe(503);
    expect(table.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it("GET /files/{fileId} does not drop an abandoned upload when S3 cannot say it is absent", async () => {
    table.on(GetCommand).resolves({ Item: fileItem("pending", abandonedAt) });
    bucket.on(HeadObjectCommand).rejects(serviceError("s3", "AccessDenied", 403));

    const response = await call(getFile, {
      resource: "/files/{fileId}",
      pathParameters: { fileId },
    });

    expect(response.statusCode).toBe(500);
    expect(table.commandCalls(DeleteCommand)).toHaveLength(0);
    expect(table.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

const pool = signingKey("pool-key");
const isAllowed = (result: APIGatewayAuthorizerResult, methodArn: string) =>
  evaluatePolicy(result.policyDocument, methodArn) === "Allow";

const authorizers: [string, (verify: Verify) => ReturnType<typeof adminAuthorizer>, string][] = [
  ["admin", adminAuthorizer, awsArn("GET", "/admin/users")],
  ["local Cognito", localAuthorizer, awsArn("GET", "/me")],
];

/** A JWKS endpoint that misbehaves in one way until `heal()`, counting its downloads. */
function flakyJwks(outage: (uri: string) => Promise<ArrayBuffer>) {
  let healthy = false;
  const calls: string[] = [];
  const fetcher: Fetcher = {
    fetch: (uri) => {
      calls.push(uri);
      if (!healthy) return outage(uri);
      return Promise.resolve(new TextEncoder().encode(JSON.stringify(jwksOf(pool))).buffer);
    },
  };
  return {
    fetcher,
    calls,
    heal: () => {
      healthy = true;
    },
  };
}

const bytes = (text: string) => Promise.resolve(new TextEncoder().encode(text).buffer);

const outages: [string, (uri: string) => Promise<ArrayBuffer>][] = [
  [
    "refuses connections",
    () =>
      Promise.reject(
        Object.assign(new Error("connect ECONNREFUSED 10.0.0.9:443"), { code: "ECONNREFUSED" }),
      ),
  ],
  [
    "answers HTTP 503",
    (uri) => Promise.reject(new NonRetryableFetchError(uri, "Status code is 503, expected 200")),
  ],
  ["answers an HTML error page", () => bytes("<html><body>502 Bad Gateway</body></html>")],
  ["answers a JWKS without the pool's key", () => bytes(JSON.stringify({ keys: [] }))],
];

describe.each(modes)("the authorizers while the JWKS endpoint is down, $mode", (mode) => {
  const token = `Bearer ${sign(pool, accessClaims(tokenContext(mode), { "cognito:groups": ["admins"] }))}`;

  describe.each(authorizers)("%s authorizer", (_, build, methodArn) => {
    it.each(outages)(
      "is Unauthorized while the endpoint %s, fetches it once, and allows once it is back",
      async (__, outage) => {
        vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
        const jwks = flakyJwks(outage);
        const verifier = verifierFor(mode, jwks.fetcher);
        const authorize = build((t) => verifier.verify(t));
        const event = authorizerEvent({ authorization: token, methodArn });

        const during = await Promise.allSettled(Array.from({ length: 20 }, () => authorize(event)));
        for (let i = 0; i < 5; i++)
          await expect(authorize(event)).rejects.toThrow(/^Unauthorized$/);
        jwks.heal();
        const backButPenalised = await Promise.allSettled([authorize(event)]);
        const fetchesDuringOutage = jwks.calls.length;
        vi.advanceTimersByTime(JWKS_PENALTY_SECONDS * 1000);
        const recovered = await authorize(event);

        for (const result of [...during, ...backButPenalised]) {
          expect(result).toEqual({ status: "rejected", reason: new Error("Unauthorized") });
        }
        expect(fetchesDuringOutage).toBe(1);
        expect(isAllowed(recovered, methodArn)).toBe(true);
        expect(jwks.calls).toHaveLength(2);
      },
    );
  });
});

describe("the authorizers while the JWKS endpoint is slow (local mode, real HTTP)", () => {
  /** The fetcher's deadline (the local stage's is JWKS_TIMEOUT_MS; shorter keeps the test fast). */
  const TIMEOUT_MS = 300;
  let server: Server;
  let behaviour: "hang" | "slow" | "ok" = "ok";
  let requests = 0;
  let issuer = "";

  beforeAll(async () => {
    server = createServer((_, response) => {
      requests++;
      const answer = () => {
        response.writeHead(200, { "Content-Type": "application/json" });
        response.end(JSON.stringify(jwksOf(pool)));
      };
      if (behaviour === "ok") answer();
      else if (behaviour === "slow") setTimeout(answer, TIMEOUT_MS / 2);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/local_slowpool`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    requests = 0;
  });

  const tokenFor = () =>
    `Bearer ${sign(pool, accessClaims({ issuer, clientId: CLIENT_ID }, { "cognito:groups": ["admins"] }))}`;

  it.each(authorizers)(
    "the %s authorizer gives up on a hanging endpoint in time with Unauthorized, then recovers",
    async (_, build, methodArn) => {
      behaviour = "hang";
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      const verifier = createLocalAccessTokenVerifier({
        issuer,
        clientId: CLIENT_ID,
        fetcher: timedFetcher(TIMEOUT_MS),
      });
      const authorize = build((t) => verifier.verify(t));
      const event = authorizerEvent({ authorization: tokenFor(), methodArn });

      const hung = await Promise.allSettled([authorize(event), authorize(event)]);
      behaviour = "ok";
      await expect(authorize(event)).rejects.toThrow(/^Unauthorized$/);
      vi.advanceTimersByTime(JWKS_PENALTY_SECONDS * 1000);
      const recovered = await authorize(event);

      for (const result of hung) {
        expect(result).toEqual({ status: "rejected", reason: new Error("Unauthorized") });
      }
      expect(isAllowed(recovered, methodArn)).toBe(true);
      expect(requests).toBe(2);
    },
    15_000,
  );

  it.each(authorizers)(
    "the %s authorizer waits for a slow endpoint once and allows every caller",
    async (_, build, methodArn) => {
      behaviour = "slow";
      const verifier = createLocalAccessTokenVerifier({
        issuer,
        clientId: CLIENT_ID,
        fetcher: timedFetcher(TIMEOUT_MS),
      });
      const authorize = build((t) => verifier.verify(t));
      const event = authorizerEvent({ authorization: tokenFor(), methodArn });

      const results = await Promise.all(Array.from({ length: 10 }, () => authorize(event)));

      expect(results.every((result) => isAllowed(result, methodArn))).toBe(true);
      expect(requests).toBe(1);
    },
    15_000,
  );
});
