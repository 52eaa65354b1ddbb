/**
 * The emulator's HTTP front: it answers what the emulator's own server gets wrong before handing
 * every other request to it unchanged.
 *
 * - OIDC discovery: the emulator hard-codes `http://localhost:9229` as issuer and JWKS host,
 *   while its tokens carry the configured issuer. Here the document names the same issuer as the
 *   tokens (Cognito's `https://cognito-idp.<region>.amazonaws.com/<poolId>` is one value too).
 * - IAM-authorized actions without a well-formed SigV4 signature get AWS's error (sigv4.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { checkSignature, needsSignature } from "./sigv4.js";
import { TOKEN_AUTHORIZED_TARGETS } from "./sessions.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function send(res: ServerResponse, status: number, type: string, body: unknown, extra = {}) {
  res.writeHead(status, {
    "Content-Type": type,
    "Access-Control-Allow-Origin": "*",
    ...extra,
  });
  res.end(JSON.stringify(body));
}

/** An HTTP server that runs the checks above, then `emulator` (the emulator's express app). */
export function frontServer(issuerDomain: string, emulator: Handler): Server {
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const discovery = /^\/([\w-]+)\/\.well-known\/openid-configuration$/.exec(path);
    if (req.method === "GET" && discovery) {
      const issuer = `${issuerDomain}/${discovery[1] ?? ""}`;
      send(res, 200, "application/json", {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        id_token_signing_alg_values_supported: ["RS256"],
        subject_types_supported: ["public"],
        response_types_supported: ["code", "token"],
      });
      return;
    }
    const target = req.headers["x-amz-target"];
    if (req.method === "POST" && typeof target === "string") {
      const action = target.split(".")[1] ?? "";
      const refusal = needsSignature(action, TOKEN_AUTHORIZED_TARGETS)
        ? checkSignature(req.headers)
        : undefined;
      if (refusal) {
        req.resume();
        send(
          res,
          refusal.type === "IncompleteSignatureException" ? 400 : 403,
          "application/x-amz-json-1.1",
          { __type: refusal.type, message: refusal.message },
          { "x-amzn-ErrorType": refusal.type },
        );
        return;
      }
    }
    emulator(req, res);
  });
}
