import { describe, expect, it } from "vitest";
import { json, problem } from "../../../shared/http/responses.js";

describe("responses", () => {
  it("sends the stage's one CORS origin on success and on problems", () => {
    const origin = process.env["CORS_ORIGIN"];

    const ok = json(200, { status: "ok" });
    const failed = problem(404, "Not Found", "No such note.");

    expect(origin).toBe("https://app.example.com");
    expect(ok.headers?.["Access-Control-Allow-Origin"]).toBe(origin);
    expect(failed.headers?.["Access-Control-Allow-Origin"]).toBe(origin);
    expect(failed.headers?.["Content-Type"]).toBe("application/problem+json");
  });
});
