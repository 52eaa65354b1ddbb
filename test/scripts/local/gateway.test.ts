import { createServer, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../scripts/local/ports.js";
import {
  gatewayResponses,
  renderGatewayResponse,
  startGateway,
  type GatewayOptions,
  type RunningGateway,
} from "../../../scripts/local/gateway.js";
import { printStage } from "../../support/template.js";

type Resources = Parameters<typeof gatewayResponses>[0];

/** Stands in for serverless-offline: answers `/status/<n>` with its own non-problem JSON. */
let upstream: Server;
let upstreamPort: number;
let responses: ReturnType<typeof gatewayResponses>;
let corsOrigin: string;
const running: RunningGateway[] = [];

beforeAll(async () => {
  const printed = (await printStage("local")) as {
    resources: { Resources: Resources };
    params: { default: { corsOrigin: string } };
  };
  responses = gatewayResponses(printed.resources.Resources);
  corsOrigin = printed.params.default.corsOrigin;
  upstream = createServer((req, res) => {
    const status = Number(/^\/local\/status\/(\d+)/.exec(req.url ?? "")?.[1] ?? 200);
    const type = status === 299 ? "application/problem+json" : "application/json";
    res.writeHead(status === 299 ? 400 : status, { "content-type": type });
    res.end(JSON.stringify({ message: "offline's own", status }));
  });
  upstreamPort = await freePort();
  await new Promise<void>((done) => upstream.listen(upstreamPort, "127.0.0.1", done));
}, 60_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((gateway) => gateway.close()));
});

afterAll(async () => {
  await new Promise((done) => upstream.close(done));
});

async function gateway(options: Partial<GatewayOptions> = {}): Promise<string> {
  const port = await freePort();
  running.push(await startGateway({ port, upstreamPort, stage: "local", responses, ...options }));
  return `http://127.0.0.1:${port}/local`;
}

async function problemOf(response: Response) {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(response.headers.get("access-control-allow-origin")).toBe(corsOrigin);
  const body = (await response.json()) as { type: string; title: string; status: number };
  expect(body).toMatchObject({ type: "about:blank", status: response.status });
  return body;
}

describe("local gateway", () => {
  it.each([
    [404, 404, "Not Found"],
    [401, 401, "Unauthorized"],
    [403, 403, "Forbidden"],
    [415, 415, "Unsupported Media Type"],
    [429, 429, "Too Many Requests"],
    [500, 500, "Internal Server Error"],
    [502, 500, "Internal Server Error"],
    [504, 504, "Gateway Timeout"],
    [405, 400, "Bad Request"],
  ])("answers offline's %i with the template's %i problem", async (offline, status, title) => {
    const url = await gateway();

    const response = await fetch(`${url}/status/${offline}`);

    expect(response.status).toBe(status);
    expect((await problemOf(response)).title).toBe(title);
  });

  it("passes the handlers' own problems through untouched", async () => {
    const url = await gateway();

    const response = await fetch(`${url}/status/299`);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: "offline's own", status: 299 });
  });

  it("answers a payload over the limit with the template's 413 before any function runs", async () => {
    const url = await gateway({ maxPayloadBytes: 1024 });

    const response = await fetch(`${url}/status/200`, { method: "POST", body: "x".repeat(1025) });

    expect(response.status).toBe(413);
    expect((await problemOf(response)).title).toBe("Payload Too Large");
  });

  it("throttles beyond the stage's burst with the template's 429", async () => {
    const url = await gateway({ throttle: { rateLimit: 0.001, burstLimit: 2 } });

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${url}/status/200`)).status);
    const throttled = await fetch(`${url}/status/200`);

    expect(statuses).toEqual([200, 200, 429]);
    expect((await problemOf(throttled)).title).toBe("Too Many Requests");
  });

  it("answers an unreachable function with the template's 502", async () => {
    const url = await gateway({ upstreamPort: await freePort() });

    const response = await fetch(`${url}/status/200`);

    expect(response.status).toBe(502);
    expect((await problemOf(response)).title).toBe("Bad Gateway");
  });

  it("runs no VTL, so a template directive shows up in the body as it would in AWS", () => {
    const withVtl = gatewayResponses({
      Default: {
        Type: "AWS::ApiGateway::GatewayResponse",
        Properties: {
          ResponseType: "DEFAULT_4XX",
          ResponseTemplates: {
            "application/json":
              '#set($s = 400)\n{"status":$s,"type":"$context.error.responseType"}',
          },
        },
      },
    });

    const rendered = renderGatewayResponse(withVtl, "MISSING_AUTHENTICATION_TOKEN", {
      requestId: "r-1",
      stage: "local",
      httpMethod: "GET",
      path: "/nowhere",
      headers: {},
      sourceIp: "127.0.0.1",
    });

    expect(rendered.status).toBe(403);
    expect(rendered.body).toBe(
      '#set($s = 400)\n{"status":$s,"type":"MISSING_AUTHENTICATION_TOKEN"}',
    );
    expect(() => JSON.parse(rendered.body) as unknown).toThrow();
  });

  it("refuses a header mapping API Gateway would refuse", () => {
    const parse = () =>
      gatewayResponses({
        Bad: {
          Type: "AWS::ApiGateway::GatewayResponse",
          Properties: {
            ResponseType: "UNAUTHORIZED",
            ResponseParameters: { "gatewayresponse.header.Access-Control-Allow-Origin": "*" },
          },
        },
      });

    expect(parse).toThrow(/does not accept: \*/);
  });
});
