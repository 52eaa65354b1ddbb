import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { HttpError } from "../../../shared/http/errors.js";
import { bodyObject, parseBody } from "../../../shared/http/validation.js";
import { apiEvent, type ApiEventOptions } from "../../fixtures/api-events.js";

const schema = bodyObject({ title: v.string() });

function refusal(options: ApiEventOptions): { status: number; detail: string } | undefined {
  try {
    parseBody(apiEvent({ method: "POST", ...options }), schema);
    return undefined;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { status: error.status, detail: error.message };
  }
}

describe("parseBody", () => {
  it("returns the validated object of a JSON body, plain or base64-encoded", () => {
    const body = JSON.stringify({ title: "x" });

    expect(parseBody(apiEvent({ body }), schema)).toEqual({ title: "x" });
    expect(
      parseBody(
        apiEvent({ body: Buffer.from(body).toString("base64"), isBase64Encoded: true }),
        schema,
      ),
    ).toEqual({ title: "x" });
  });

  it.each([
    ["an empty array", "[]"],
    ["an array holding a valid object", '[{"title":"x"}]'],
    ["a string", '"title"'],
    ["null", "null"],
    ["a number", "42"],
    ["true", "true"],
  ])("refuses %s: the body must be a JSON object", (_, body) => {
    expect(refusal({ body, headers: { "Content-Type": "application/json" } })).toEqual({
      status: 400,
      detail: "The request body must be a JSON object.",
    });
  });

  it.each([
    ["no body", undefined, "The request body is empty."],
    ["white space", " \n", "The request body is empty."],
    ["broken JSON", '{"title":', "The request body is not valid JSON."],
  ])("refuses %s with a 400 that says so", (_, body, detail) => {
    expect(refusal({ body, headers: { "Content-Type": "application/json" } })).toEqual({
      status: 400,
      detail,
    });
  });

  it("refuses a body of another content type with a 415", () => {
    expect(refusal({ body: '{"title":"x"}', headers: { "Content-Type": "text/plain" } })).toEqual(
      expect.objectContaining({ status: 415 }),
    );
  });
});
