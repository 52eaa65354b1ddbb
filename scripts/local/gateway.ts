/**
 * The local stand-in for API Gateway's gateway responses. serverless-offline answers a refused
 * authorizer, an unknown route or an oversized payload with its own JSON shape; in AWS the
 * GatewayResponses of `sls/resources/gateway-responses.yml` answer with `application/problem+json`.
 * This small reverse proxy sits on the API port in front of serverless-offline and rewrites only
 * those responses, so clients see the same error shape locally as in AWS. Responses of the
 * project's own handlers pass through untouched.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  502: "Bad Gateway",
  504: "Gateway Timeout",
};

const details: Record<number, string> = {
  401: "A valid access token is required.",
  403: "You are not allowed to do this.",
  404: "There is no such route.",
  413: "The request body is too large.",
};

/** The problem body API Gateway's gateway responses would send for `status`. */
export function gatewayProblem(status: number): string {
  const title = titles[status] ?? (status >= 500 ? "Internal Server Error" : "Bad Request");
  const detail =
    details[status] ??
    (status >= 500 ? "Something went wrong on our side." : "The request is invalid.");
  return JSON.stringify({ type: "about:blank", title, status, detail });
}

function isOwnResponse(headers: IncomingHttpHeaders): boolean {
  const type = headers["content-type"] ?? "";
  return type.startsWith("application/problem+json");
}

export interface RunningGateway {
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` and forwards everything to serverless-offline on `upstreamPort`. */
export function startGateway(port: number, upstreamPort: number): Promise<RunningGateway> {
  const server: Server = createServer((req, res) => {
    const upstream = request(
      {
        host: "127.0.0.1",
        port: upstreamPort,
        method: req.method,
        path: req.url,
        // Raw, so repeated headers reach serverless-offline's multiValueHeaders as in API Gateway
        // (`req.headers` keeps only the first Authorization).
        headers: req.rawHeaders,
      },
      (answer) => {
        const status = answer.statusCode ?? 502;
        if (status < 400 || isOwnResponse(answer.headers)) {
          res.writeHead(status, answer.headers);
          answer.pipe(res);
          return;
        }
        answer.resume();
        const body = gatewayProblem(status);
        res.writeHead(status, {
          "content-type": "application/problem+json",
          "content-length": Buffer.byteLength(body),
          "access-control-allow-origin": "*",
        });
        res.end(body);
      },
    );
    upstream.on("error", () => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const body = gatewayProblem(502);
      res.writeHead(502, { "content-type": "application/problem+json" });
      res.end(body);
    });
    req.pipe(upstream);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () =>
      resolve({
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    );
  });
}
