/**
 * The local stack: DynamoDB Local, the S3 emulator, the Cognito emulator (triggers wired) and
 * serverless-offline, all on 127.0.0.1. Used by `npm start` and by the integration tests' global
 * setup. This module only orchestrates; each part lives in its own module (see docs/local-stack.md):
 * ports, processes and lifecycle, the config read from `serverless.yml` (serverless-config),
 * the emulators (dynamodb-local, s3, cognito, api), provisioning and seeding.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { S3Event } from "aws-lambda";
import { startApi } from "./api.js";
import { startCognito, type DeliveredMessage } from "./cognito.js";
import { startDemo } from "./demo.js";
import { startDynamoDbLocal } from "./dynamodb-local.js";
import { LOCAL_AWS_ENV, LOCAL_CREDENTIALS, REGION, STAGE } from "./environment.js";
import { Lifecycle } from "./lifecycle.js";
import { ensurePortsFree, type Ports } from "./ports.js";
import { createBucket, createTables, createUserPool } from "./provision.js";
import { startS3 } from "./s3.js";
import { SEED, seedAdmin, seedLegacyUsers } from "./seed.js";
import { allowedEmailDomains, printConfig, triggerFunctions } from "./serverless-config.js";
import type { StackInfo } from "./stack-info.js";

export interface StackOptions {
  ports: Ports;
  /** Where state lives (`.local` for `npm start`). */
  stateDir: string;
  /** Keep DynamoDB data and S3 objects on disk between runs (otherwise in memory). */
  persistent: boolean;
  /** Progress lines. */
  log: (line: string) => void;
  /** Each line the API process prints (npm start shows them; tests keep them in a file). */
  onApiOutput?: (line: string) => void;
  onMessage?: (message: DeliveredMessage) => void;
  /** Told each child process group started (npm start records them for crash recovery). */
  onChild?: (pid: number) => void;
  /**
   * Told of each object the S3 emulator stores, as an S3 ObjectCreated notification event: the
   * place to invoke a function subscribed to the bucket's ObjectCreated events.
   */
  onObjectCreated?: (event: S3Event) => void;
}

export interface RunningStack {
  info: StackInfo;
  /** Resolves when any part dies unexpectedly. */
  crashed: Promise<string>;
  stop(): Promise<void>;
}

export interface LocalStack {
  /** Starts every part; on any failure stops what it started and rethrows. */
  start(): Promise<RunningStack>;
  /** Stops whatever has started so far; safe to call at any time, and more than once. */
  stop(): Promise<void>;
}

/** The local stack, not yet started. `stop()` works even while `start()` is still running. */
export function createStack(options: StackOptions): LocalStack {
  const { ports, stateDir, log } = options;
  const logsDir = join(stateDir, "logs");
  const life = new Lifecycle();
  const stop = () => life.stop();

  const startParts = async (): Promise<StackInfo> => {
    mkdirSync(logsDir, { recursive: true });
    await ensurePortsFree(ports);

    log("Reading serverless.yml (serverless print --stage local)…");
    // The demo's URL is the local app client's managed-login callback (serverless.yml).
    const config = await printConfig({
      ...process.env,
      ...LOCAL_AWS_ENV,
      DEMO_PORT: String(ports.demo),
    });

    life.checkpoint();
    log(`Starting DynamoDB Local on http://127.0.0.1:${ports.dynamodb}…`);
    const dynamodb = await startDynamoDbLocal({
      port: ports.dynamodb,
      dbPath: options.persistent ? join(stateDir, "dynamodb") : undefined,
      logFile: join(logsDir, "dynamodb.log"),
      life,
      onChild: options.onChild,
      log,
    });
    await createTables(dynamodb, config);

    life.checkpoint();
    log(`Starting the S3 emulator on http://127.0.0.1:${ports.s3}…`);
    const s3 = await startS3({
      port: ports.s3,
      stateDir,
      persistent: options.persistent,
      life,
      onObjectCreated: options.onObjectCreated,
    });
    const bucket = await createBucket(s3, config);

    life.checkpoint();
    log(`Starting the Cognito emulator on http://127.0.0.1:${ports.cognito}…`);
    const cognito = await startCognito({
      port: ports.cognito,
      dataDirectory: join(stateDir, "cognito"),
      lambdaEndpoint: `http://127.0.0.1:${ports.lambda}`,
      triggers: triggerFunctions(config),
      logFile: join(logsDir, "cognito.log"),
      mailFile: join(logsDir, "mail.jsonl"),
      region: REGION,
      onMessage: options.onMessage,
    });
    life.onStop(() => cognito.close());
    const cognitoClient = new CognitoIdentityProviderClient({
      region: REGION,
      endpoint: cognito.endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    life.onStop(() => cognitoClient.destroy());
    const { userPoolId, userPoolClientId } = await createUserPool(cognitoClient, config);
    const issuer = `${cognito.issuerDomain}/${userPoolId}`;

    life.checkpoint();
    log(
      `Starting the API (serverless-offline) on http://127.0.0.1:${ports.api}, ` +
        `Lambda on http://127.0.0.1:${ports.lambda}…`,
    );
    const apiUrl = await startApi({
      config,
      apiPort: ports.api,
      lambdaPort: ports.lambda,
      stateDir,
      logFile: join(logsDir, "api.log"),
      environment: {
        DYNAMODB_ENDPOINT: `http://127.0.0.1:${ports.dynamodb}`,
        S3_ENDPOINT: `http://127.0.0.1:${ports.s3}`,
        COGNITO_ENDPOINT: cognito.endpoint,
        JWT_ISSUER: issuer,
        USER_POOL_ID: userPoolId,
        USER_POOL_CLIENT_ID: userPoolClientId,
      },
      life,
      onChild: options.onChild,
      onOutput: options.onApiOutput,
    });

    life.checkpoint();
    log("Seeding the legacy user store and the admin user…");
    const documents = DynamoDBDocumentClient.from(dynamodb);
    await seedLegacyUsers(documents, config.custom.legacyUsersTableName, [SEED.legacyUser]);
    await seedAdmin(cognitoClient, userPoolId, userPoolClientId);

    life.checkpoint();
    log(`Bundling and serving the browser demo on http://127.0.0.1:${ports.demo}/demo/…`);
    const demo = await startDemo(ports.demo, {
      apiUrl,
      region: REGION,
      userPoolId,
      userPoolClientId,
      cognitoEndpoint: cognito.endpoint,
    });
    life.onStop(() => demo.close());

    return {
      stage: STAGE,
      region: REGION,
      apiUrl,
      demoUrl: demo.url,
      cognito: { endpoint: cognito.endpoint, userPoolId, userPoolClientId, issuer },
      dynamodb: {
        endpoint: `http://127.0.0.1:${ports.dynamodb}`,
        tables: { data: config.custom.tableName, legacyUsers: config.custom.legacyUsersTableName },
      },
      s3: { endpoint: `http://127.0.0.1:${ports.s3}`, bucket },
      allowedEmailDomains: allowedEmailDomains(config),
      seed: { admin: { ...SEED.admin }, legacyUser: { ...SEED.legacyUser } },
    };
  };

  const start = async (): Promise<RunningStack> => {
    try {
      return { info: await startParts(), crashed: life.crashed, stop };
    } catch (error) {
      await stop();
      throw error;
    }
  };
  return { start, stop };
}

/** Creates and starts the stack in one call (tests and scripts that need no early stop). */
export function startStack(options: StackOptions): Promise<RunningStack> {
  return createStack(options).start();
}
