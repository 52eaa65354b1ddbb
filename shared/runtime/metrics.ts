/**
 * Business and health counters as CloudWatch Embedded Metric Format (EMF) log lines: CloudWatch
 * Logs turns each line into metric data points, with no API call and no client in the bundle.
 * One namespace per stage (`METRICS_NAMESPACE`, `<service>-<stage>`) and no dimension, because
 * every distinct dimension set is a billed metric. Written to stdout as one JSON
 * object per line, like the logger, so Lambda adds no prefix that would hide the JSON.
 *
 * Hand-written rather than Powertools Metrics: 16 KB and about 6 ms of cold import more per
 * function, which the no-SDK functions' budget (20 KB, 1.3x bare Node) cannot carry
 * (docs/operations.md, "Why not Powertools").
 */
import { config } from "./config.js";

/** Every counter the project emits, and the flow that emits it (docs/operations.md). */
export const METRICS = [
  "Route2xx",
  "Route4xx",
  "Route5xx",
  "ServiceUnavailable",
  "SignUp",
  "SignUpRefused",
  "Confirmation",
  "SignIn",
  "SignInRefusedDisabled",
  "MigrationSucceeded",
  "MigrationFailed",
  "TokenGenerated",
  "TriggerFailed",
  "NoteCreated",
  "NoteDeleted",
  "FileCreated",
  "FileDeleted",
  "UploadCompleted",
  "AuthorizerDenied",
] as const;
export type MetricName = (typeof METRICS)[number];

/** The EMF document for `count` occurrences of `name` (exported for tests and the bench). */
export function emfLine(name: MetricName, count: number, now = Date.now()): string {
  return JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: config.metricsNamespace(),
          Dimensions: [[]],
          Metrics: [{ Name: name, Unit: "Count" }],
        },
      ],
    },
    [name]: count,
  });
}

/** Counts `count` occurrences of `name`. Never throws: a metric must not fail a request. */
export function countMetric(
  name: MetricName,
  count = 1,
  write: (line: string) => void = (line) => process.stdout.write(line + "\n"),
): void {
  try {
    write(emfLine(name, count));
  } catch {
    // Metrics are best effort; the logs of the request still say what happened.
  }
}
