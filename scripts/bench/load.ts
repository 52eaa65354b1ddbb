/**
 * The local API under a bounded load: the local stack of `npm start` on free ports (in-memory
 * DynamoDB, its own state folder), a user signed up and signed in through the Cognito emulator,
 * then a fixed number of requests over a fixed number of concurrent connections per route. A
 * warm-up at the same concurrency first lets serverless-offline start its handler instances; it
 * is not timed, but its errors count.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { StackInfo } from "../local/stack-info.js";
import { LOCAL_CREDENTIALS } from "../local/environment.js";
import { freePorts } from "../local/ports.js";
import { createStack } from "../local/stack.js";
import { percentile } from "./timing.js";

export interface LoadOptions {
  requests: number;
  connections: number;
  warmup: number;
}

export interface RouteLoad {
  route: string;
  requests: number;
  connections: number;
  p50Ms: number;
  p99Ms: number;
  requestsPerSecond: number;
  errors: number;
  warmupErrors: number;
  /** The first few failures, for diagnosis. */
  errorSamples: string[];
}

const REQUEST_TIMEOUT_MS = 10_000;
const PASSWORD = "Bench!pass1234";

async function accessToken(info: StackInfo): Promise<string> {
  const client = new CognitoIdentityProviderClient({
    region: info.region,
    endpoint: info.cognito.endpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  const email = `bench-${randomUUID().slice(0, 8)}@${info.allowedEmailDomains[0] ?? "example.com"}`;
  try {
    await client.send(
      new SignUpCommand({
        ClientId: info.cognito.userPoolClientId,
        Username: email,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    await client.send(
      new AdminConfirmSignUpCommand({ UserPoolId: info.cognito.userPoolId, Username: email }),
    );
    const { AuthenticationResult } = await client.send(
      new InitiateAuthCommand({
        ClientId: info.cognito.userPoolClientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: email, PASSWORD: PASSWORD },
      }),
    );
    if (!AuthenticationResult?.AccessToken) throw new Error("Sign-in returned no access token");
    return AuthenticationResult.AccessToken;
  } finally {
    client.destroy();
  }
}

/** `total` GETs of `url` over `connections` concurrent workers; latencies of the successful ones. */
async function run(
  url: string,
  headers: Record<string, string>,
  total: number,
  connections: number,
) {
  const latencies: number[] = [];
  const failures: string[] = [];
  let issued = 0;
  const worker = async () => {
    while (issued < total) {
      issued++;
      const started = performance.now();
      try {
        const response = await fetch(url, {
          headers,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const body = await response.text();
        if (response.status === 200) latencies.push(performance.now() - started);
        else failures.push(`${response.status} ${body.slice(0, 200)}`);
      } catch (error) {
        failures.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  return { latencies, failures, seconds: (performance.now() - started) / 1000 };
}

async function loadRoute(
  route: string,
  url: string,
  headers: Record<string, string>,
  options: LoadOptions,
): Promise<RouteLoad> {
  const warm = await run(url, headers, options.warmup, options.connections);
  const measured = await run(url, headers, options.requests, options.connections);
  return {
    route,
    requests: options.requests,
    connections: options.connections,
    p50Ms: percentile(measured.latencies, 50),
    p99Ms: percentile(measured.latencies, 99),
    requestsPerSecond: options.requests / measured.seconds,
    errors: measured.failures.length,
    warmupErrors: warm.failures.length,
    errorSamples: [...warm.failures, ...measured.failures].slice(0, 5),
  };
}

/**
 * Starts the local stack in `stateDir`, loads GET /health and GET /me, and stops it again (also on
 * Ctrl-C: its parts run in process groups of their own, which would otherwise outlive the bench).
 */
export async function benchLocalApi(
  stateDir: string,
  options: LoadOptions,
  log: (line: string) => void,
): Promise<RouteLoad[]> {
  rmSync(stateDir, { recursive: true, force: true });
  const stack = createStack({ ports: await freePorts(), stateDir, persistent: false, log });
  const interrupted = () => {
    void stack.stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    const { info } = await stack.start();
    const token = await accessToken(info);
    const authorization = { Authorization: `Bearer ${token}` };
    log(`Loading GET /health (${options.requests} requests, ${options.connections} connections)…`);
    const health = await loadRoute("GET /health", `${info.apiUrl}/health`, {}, options);
    log(`Loading GET /me (${options.requests} requests, ${options.connections} connections)…`);
    const me = await loadRoute("GET /me", `${info.apiUrl}/me`, authorization, options);
    return [health, me];
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
