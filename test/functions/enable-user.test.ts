import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/enable-user.js";
import { apiEvent, lambdaContext, type ApiEventOptions } from "../fixtures/api-events.js";
import { dynamoFaults, expectGenericProblem, SECRET_TABLE } from "../fixtures/dynamo-faults.js";

vi.stubEnv("TABLE_NAME", SECRET_TABLE);
const table = mockClient(DynamoDBDocumentClient);
const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);

const ADMIN = "0b9e4c1a-2f3d-4e5f-8a7b-6c5d4e3f2a1b";
const USER = "6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10";

const call = (sub: string, options: ApiEventOptions = {}) =>
  handler(
    apiEvent({
      method: "POST",
      resource: "/admin/users/{sub}/enable",
      pathParameters: { sub },
      sub: ADMIN,
      groups: ["admins"],
      authorizer: "lambda",
      ...options,
    }),
    lambdaContext(),
  );

beforeEach(() => table.reset());
afterAll(() => {
  table.restore();
  stdout.mockRestore();
});

describe("enable-user", () => {
  it("answers 401 when no authorizer vouched for a caller", async () => {
    const response = await call(USER, { sub: null });

    expect(response.statusCode).toBe(401);
    expect(table.calls()).toHaveLength(0);
  });

  it("answers 403 to a caller outside the admins group, changing nothing", async () => {
    const response = await call(USER, { groups: ["beta"] });

    expect(response.statusCode).toBe(403);
    expect(table.calls()).toHaveLength(0);
  });

  it.each([
    ["not a UUID", "not-a-user"],
    ["a key prefix", "USER#6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10"],
    ["a path", "../6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10"],
    ["a UUID with text after it", "6f1c2a8e-1b7d-4c1e-9d3a-2f5b8c7e4a10x"],
    ["empty", ""],
  ])("answers 404 to a sub that is %s, without touching the table", async (_, sub) => {
    const response = await call(sub);

    expect(response.statusCode).toBe(404);
    expect(table.calls()).toHaveLength(0);
  });

  it.each(dynamoFaults)("answers a generic problem to %s", async (_, fault, status) => {
    table.on(UpdateCommand).rejects(fault());

    const response = await call(USER);

    expectGenericProblem(response, status);
  });
});
