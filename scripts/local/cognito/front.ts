/**
 * The emulator's HTTP front: it answers what the emulator's own server gets wrong before handing
 * every other request to it unchanged.
 *
 * - OIDC discovery and managed login's endpoints (`oauth`, ./oauth/server.ts): the emulator
 *   hard-codes `http://localhost:9229` as issuer and JWKS host, while its tokens carry the
 *   configured issuer; the document served instead names the same issuer as the tokens (Cognito's
 *   `https://cognito-idp.<region>.amazonaws.com/<poolId>` is one value too).
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

/**
 * An HTTP server that lets `oauth` answer the requests it owns (true when it did), runs the checks
 * above, then hands the rest to `emulator` (the emulator's express app).
 */
export function frontServer(
  emulator: Handler,
  oauth: (req: IncomingMessage, res: ServerResponse) => boolean,
): Server {
  return createServer((req, res) => {
    if (oauth(req, res)) return;
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
