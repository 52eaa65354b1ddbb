/**
 * Cold import: the wall time of a fresh Node process that imports a bundle and exits, against a
 * bare `node -e ''` measured in the same run. Every round runs each target once, in a new random
 * order, so load from elsewhere on the machine spreads evenly over all of them; the median over
 * the rounds is kept. A first round only warms the file cache and is not counted.
 */
import { spawnSync } from "node:child_process";
import { median } from "./timing.js";

export interface ColdTarget {
  id: string;
  /** Arguments to `node`: a bundle path, or `-e ''` for the bare process. */
  args: string[];
  /** NODE_OPTIONS of the process (the function's deployed value). */
  nodeOptions?: string | undefined;
}

export interface ColdResult {
  medianMs: number;
  minMs: number;
  samples: number;
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function runOnce(target: ColdTarget): number {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"],
    AWS_REGION: "us-east-1",
    LOG_LEVEL: "info",
    // Lambda runs Node 22, where the SDK has nothing to warn about.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...(target.nodeOptions === undefined ? {} : { NODE_OPTIONS: target.nodeOptions }),
  };
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, target.args, {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`node ${target.args.join(" ")} failed: ${result.stderr.toString("utf8")}`);
  }
  return elapsed;
}

/** Runs `rounds` interleaved rounds over `targets`; returns each target's median wall time. */
export function measureColdImports(
  targets: readonly ColdTarget[],
  rounds: number,
  progress: (round: number) => void,
): Map<string, ColdResult> {
  for (const target of targets) runOnce(target);
  const samples = new Map<string, number[]>(targets.map((t) => [t.id, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const target of shuffled(targets)) samples.get(target.id)?.push(runOnce(target));
    progress(round);
  }
  return new Map(
    [...samples].map(([id, times]) => [
      id,
      { medianMs: median(times), minMs: Math.min(...times), samples: times.length },
    ]),
  );
}
