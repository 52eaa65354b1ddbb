/**
 * The verifying layer in front of s3rver. s3rver 3.7.1 checks neither signatures nor POST
 * policies; this proxy, on the S3 port clients use, does what S3 does before a request reaches
 * the bucket, and forwards only what S3 would accept to s3rver on an internal loopback port:
 *
 * - browser-based (POST form) uploads: the policy's signature, its expiry, every condition
 *   (bucket, key, Content-Type, x-amz-*, content-length-range) and the fields no condition covers;
 * - presigned URLs (GET, PUT, …): their signature and expiry (`X-Amz-Expires`);
 * - header-signed SDK calls: their signature (over the payload hash the client declares);
 * - anything unsigned: 403 AccessDenied, as for a private bucket. CORS preflights pass through.
 *
 * Refusals are S3's XML errors with S3's statuses.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import { S3Error } from "./errors.js";
import { boundaryOf, parseForm } from "./multipart.js";
import { verifyPostUpload } from "./post-policy.js";
import {
  verifyAuthorizationHeader,
  verifyPresignedUrl,
  type Credentials,
  type SignedRequest,
} from "./sigv4.js";

export interface S3GatewayOptions {
  port: number;
  upstreamPort: number;
  credentials: Credentials;
  /** The largest POST upload body read (S3's own limit is 5 GB; local uploads are small). */
  maxPostBytes?: number;
  /** The clock expiry is judged by (tests move it). */
  now?: () => Date;
}

export interface RunningS3Gateway {
  close(): Promise<void>;
}

const DEFAULT_MAX_POST_BYTES = 100 * 1024 * 1024;

function signedRequest(req: IncomingMessage): SignedRequest {
  return { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headersDistinct };
}

/** The bucket of a path-style POST form upload (`/<bucket>` or `/<bucket>/`), else undefined. */
function formUploadBucket(req: IncomingMessage): string | undefined {
  if (req.method !== "POST" || req.headers.authorization) return undefined;
  if (!boundaryOf(req.headers["content-type"])) return undefined;
  const match = /^\/([^/?]+)\/?(?:\?.*)?$/.exec(req.url ?? "");
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        fail(
          new S3Error(
            400,
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size",
            {
              MaxSizeAllowed: limit,
            },
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => done(Buffer.concat(chunks)));
    req.once("error", fail);
  });
}

function sendError(req: IncomingMessage, res: ServerResponse, error: S3Error): void {
  const body = error.toXml();
  res.writeHead(error.status, {
    "content-type": "application/xml",
    "content-length": Buffer.byteLength(body),
    // A browser reads the refusal of its upload only with a CORS header (S3 adds the bucket's).
    ...(req.headers.origin ? { "access-control-allow-origin": "*" } : {}),
  });
  res.end(body);
}

/** Sends the request on to s3rver (with `body` when it was read already) and relays the answer. */
function forward(
  req: IncomingMessage,
  res: ServerResponse,
  upstreamPort: number,
  body?: Buffer,
): void {
  const upstream = request(
    {
      host: "127.0.0.1",
      port: upstreamPort,
      method: req.method,
      path: req.url,
      headers: req.rawHeaders,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => {
    if (res.headersSent) res.destroy();
    else
      sendError(
        req,
        res,
        new S3Error(503, "ServiceUnavailable", "The S3 emulator is not answering."),
      );
  });
  if (body) upstream.end(body);
  else req.pipe(upstream);
}

/** Starts the verifying proxy on 127.0.0.1:`port`. */
export function startS3Gateway(options: S3GatewayOptions): Promise<RunningS3Gateway> {
  const { credentials, upstreamPort } = options;
  const now = options.now ?? (() => new Date());
  const maxPostBytes = options.maxPostBytes ?? DEFAULT_MAX_POST_BYTES;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === "OPTIONS") {
      forward(req, res, upstreamPort);
      return;
    }
    const bucket = formUploadBucket(req);
    if (bucket !== undefined) {
      const boundary = boundaryOf(req.headers["content-type"]) ?? "";
      const body = await readBody(req, maxPostBytes);
      verifyPostUpload(credentials, bucket, parseForm(body, boundary), now());
      forward(req, res, upstreamPort, body);
      return;
    }
    const signed = signedRequest(req);
    if (/[?&]X-Amz-(Signature|Credential|Algorithm)=/.test(signed.url)) {
      verifyPresignedUrl(credentials, signed, now());
    } else if (req.headers.authorization) {
      verifyAuthorizationHeader(credentials, signed, now());
    } else {
      throw new S3Error(403, "AccessDenied", "Access Denied");
    }
    forward(req, res, upstreamPort);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const refusal =
        error instanceof S3Error
          ? error
          : new S3Error(
              500,
              "InternalError",
              "We encountered an internal error. Please try again.",
            );
      if (!res.headersSent) sendError(req, res, refusal);
      else res.destroy();
      if (!req.complete) req.resume();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () =>
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
