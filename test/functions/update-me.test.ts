import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/update-me.js";
import { apiEvent, bodyOf, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { dynamoFaults, expectGenericProblem, SECRET_TABLE } from "../fixtures/dynamo-faults.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
const table = mockClient(DynamoDBDocumentClient);
const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

const patch = (options: ApiEventOptions = {}) =>
  handler(
    apiEvent({ method: "PATCH", resource: "/me", body: { displayName: "Ada" }, ...options }),
    lambdaContext(),
  );

beforeEach(() => table.reset());
afterAll(() => {
  table.restore();
  stdout.mockRestore();
});

describe("update-me", () => {
  it("answers 401 when no authorizer vouched for a caller", async () => {
    const response = await patch({ sub: null });

    expect(response.statusCode).toBe(401);
    expect(table.calls()).toHaveLength(0);
  });

  it.each([
    ["plan", { displayName: "Ada", plan: "enterprise" }],
    ["status", { displayName: "Ada", status: "active" }],
    ["email", { displayName: "Ada", email: "ceo@example.com" }],
    ["sub", { displayName: "Ada", sub: "user-b" }],
    ["groups", { displayName: "Ada", groups: ["admins"] }],
    ["loginCount", { displayName: "Ada", loginCount: 0 }],
  ])("answers 400 to the field %s, without writing", async (field, body) => {
    const response = await patch({ body });

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)["detail"]).toBe(`${field}: is not an allowed field`);
    expect(table.calls()).toHaveLength(0);
  });

  it.each([
    ["empty", ""],
    ["blank", "   "],
    ["too long", "x".repeat(101)],
    ["with a NUL", "Ada\u0000"],
  ])("answers 400 to a display name that is %s", async (_, displayName) => {
    const response = await patch({ body: { displayName } });

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)["detail"]).toMatch(/^displayName: /);
  });

  it("answers 400 to an empty object and 415 to a form post", async () => {
    const empty = await patch({ body: {} });
    const form = await patch({
      body: "displayName=Ada",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });

    expect(empty.statusCode).toBe(400);
    expect(form.statusCode).toBe(415);
  });

  it.each(["application/merge-patch+json", "application/json-seq", "text/json"])(
    "refuses the content type %s with a 415 without writing",
    async (contentType) => {
      const response = await patch({
        body: '{"displayName":"Ada"}',
        headers: { "Content-Type": contentType },
      });

      expect(response.statusCode).toBe(415);
      expect(table.calls()).toHaveLength(0);
    },
  );

  it.each(dynamoFaults)(
    "answers a generic problem when DynamoDB fails with %s",
    async (_, fault, status) => {
      table.on(UpdateCommand).rejects(fault());

      const response = await patch();

      expectGenericProblem(response, status);
    },
  );
});
