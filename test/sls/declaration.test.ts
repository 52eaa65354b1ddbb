import { describe, expect, it } from "vitest";
import {
  grantStatements,
  roleResources,
  serverlessFunctions,
  type FunctionDeclaration,
  type Grant,
} from "../../sls/declaration.js";

const declarations: Record<string, FunctionDeclaration> = {
  getThing: {
    handler: "functions/get-thing.handler",
    grants: ["dynamodb:GetItem DataTable", "s3:GetObject FilesBucket/users/*"],
    route: {
      method: "get",
      path: "/things/{thingId}",
      auth: "admin",
      summary: "A thing",
      tag: "things",
      ok: [200],
      errors: [404],
    },
  },
  onEvent: { handler: "triggers/on-event.handler", timeout: 5, grants: [] },
};

describe("sls/declaration", () => {
  it("groups grants into one Allow statement per resource, actions in declared order", () => {
    const statements = grantStatements([
      "dynamodb:Query DataTable",
      "dynamodb:Query DataTable/index/gsi1",
      "dynamodb:UpdateItem DataTable",
    ]);

    expect(statements).toEqual([
      {
        Effect: "Allow",
        Action: ["dynamodb:Query", "dynamodb:UpdateItem"],
        Resource: { "Fn::GetAtt": ["DataTable", "Arn"] },
      },
      {
        Effect: "Allow",
        Action: ["dynamodb:Query"],
        Resource: { "Fn::Sub": "${DataTable.Arn}/index/gsi1" },
      },
    ]);
  });

  it("refuses a grant on a resource it does not know", () => {
    expect(() => grantStatements(["dynamodb:GetItem OtherTable" as Grant])).toThrow(
      'Unknown resource in the grant "dynamodb:GetItem OtherTable"',
    );
  });

  it("gives every function its own role: its log group, then its grants", () => {
    const roles = roleResources(declarations) as Record<string, { Properties: unknown }>;

    expect(Object.keys(roles)).toEqual(["GetThingRole", "OnEventRole"]);
    expect(JSON.stringify(roles["OnEventRole"])).toContain(
      '"Fn::GetAtt":["OnEventLogGroup","Arn"]',
    );
    expect(JSON.stringify(roles["OnEventRole"])).not.toContain("dynamodb");
    expect(JSON.stringify(roles["GetThingRole"])).toContain("s3:GetObject");
  });

  it("turns a route into an HTTP event behind its authorizer, and a trigger into none", () => {
    const fns = serverlessFunctions(declarations);

    expect(fns["getThing"]).toMatchObject({
      handler: "functions/get-thing.handler",
      role: "GetThingRole",
      events: [
        {
          http: {
            method: "get",
            path: "things/{thingId}",
            authorizer: { name: "adminAuthorizer", type: "request" },
          },
        },
      ],
    });
    expect(fns["onEvent"]).toEqual({
      handler: "triggers/on-event.handler",
      role: "OnEventRole",
      timeout: 5,
    });
  });
});
