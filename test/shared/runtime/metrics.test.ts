import { describe, expect, it } from "vitest";
import { api } from "../../../shared/http/api.js";
import { json } from "../../../shared/http/responses.js";
import { HttpError } from "../../../shared/http/errors.js";
import { countMetric, emfLine } from "../../../shared/runtime/metrics.js";
import { apiEvent, lambdaContext } from "../../fixtures/api-events.js";
import { captureLogs } from "../../support/captured-logs.js";

const stdout = captureLogs();

/** The metric names of the EMF lines written so far, in order. */
function emitted(): string[] {
  return stdout
    .lines()
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .flatMap((line) => {
      const aws = line["_aws"] as
        { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } | undefined;
      return (
        aws?.CloudWatchMetrics.flatMap((set) => set.Metrics.map((metric) => metric.Name)) ?? []
      );
    });
}

describe("metrics", () => {
  it("writes one Embedded Metric Format document whose value sits under the metric's name", () => {
    const line = JSON.parse(emfLine("NoteCreated", 2, 1_700_000_000_000)) as Record<
      string,
      unknown
    >;

    expect(line).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: expect.stringMatching(/^cognito-api-/) as unknown,
            Dimensions: [[]],
            Metrics: [{ Name: "NoteCreated", Unit: "Count" }],
          },
        ],
      },
      NoteCreated: 2,
    });
  });

  it("never throws, even when the log stream does", () => {
    expect(() =>
      countMetric("SignIn", 1, () => {
        throw new Error("EPIPE");
      }),
    ).not.toThrow();
  });

  it.each([
    [200, "Route2xx"],
    [404, "Route4xx"],
    [500, "Route5xx"],
  ])("counts a route's %i answer as %s", async (status, metric) => {
    const handler = api(() => {
      if (status === 200) return json(200, { ok: true });
      if (status === 404) throw new HttpError(404, "Not Found", "No such note.");
      throw new Error("boom");
    });

    await handler(apiEvent({ method: "GET", resource: "/notes/{noteId}" }), lambdaContext());

    expect(emitted()).toEqual([metric]);
  });

  it("counts a 503 for an unreachable dependency as ServiceUnavailable and Route5xx", async () => {
    const handler = api(() => {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8000"), {
        code: "ECONNREFUSED",
      });
    });

    const response = await handler(
      apiEvent({ method: "GET", resource: "/notes" }),
      lambdaContext(),
    );

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ "Retry-After": "1" });
    expect(emitted()).toEqual(["ServiceUnavailable", "Route5xx"]);
  });
});
