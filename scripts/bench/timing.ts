/** Small timing helpers shared by the in-process benchmarks. */

/** One batch of calls: calls per second of wall-clock time, and of this process's CPU time. */
export interface Sample {
  wall: number;
  cpu: number;
}

/**
 * Calls per second over several batches. Load from elsewhere only ever slows a batch down, so the
 * best batch by CPU time is what one core does undisturbed; the median wall-clock rate is what
 * this run saw.
 */
export interface Rate {
  best: number;
  wall: number;
}

/** Time per call in microseconds: the best batch by CPU time, the median by wall-clock time. */
export interface Micros {
  best: number;
  wall: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/** Calls `operation` back to back for about `ms` milliseconds. */
export async function sample(operation: () => Promise<unknown>, ms: number): Promise<Sample> {
  let calls = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 50; i++) await operation();
    calls += 50;
    elapsed = performance.now() - started;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: (calls * 1000) / elapsed, cpu: (calls * 1e6) / (cpu.user + cpu.system) };
}

export function summarize(samples: readonly Sample[]): Rate {
  return {
    best: Math.max(...samples.map((s) => s.cpu)),
    wall: median(samples.map((s) => s.wall)),
  };
}

export const micros = (r: Rate): Micros => ({ best: 1e6 / r.best, wall: 1e6 / r.wall });

/** `operation`'s rate over `batches` batches lasting `ms` in all, after a warm-up. */
export async function rate(
  operation: () => Promise<unknown>,
  ms: number,
  batches = 30,
): Promise<Rate> {
  for (let i = 0; i < 200; i++) await operation();
  const samples: Sample[] = [];
  for (let i = 0; i < batches; i++) samples.push(await sample(operation, ms / batches));
  return summarize(samples);
}

/**
 * Runs `measure` with stdout discarded: the code under test still builds and redacts its log
 * lines, but writing them to a terminal would measure the terminal.
 */
export async function withoutStdout<T>(measure: () => Promise<T>): Promise<T> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true;
  try {
    return await measure();
  } finally {
    process.stdout.write = write;
  }
}

/** The value at percentile `p` (0-100) of `values`, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? NaN;
}
