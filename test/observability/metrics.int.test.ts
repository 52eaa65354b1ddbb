/**
 * Each metric of shared/runtime/metrics.ts is emitted by the flow that should emit it, read back as
 * CloudWatch would read it: from the Embedded Metric Format lines in the local stack's API log.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { beforeAll, describe, expect, it } from "vitest";
import { seedLegacyUsers } from "../../scripts/local/seed.js";
import { dynamo } from "../../shared/runtime/aws.js";
import type { MetricName } from "../../shared/runtime/metrics.js";
import { setStatus } from "../../shared/users/profiles.js";
import { useLocalData } from "../support/local-data.js";
import { stack, stackLogsDir } from "../support/stack.js";
import {
  TEST_PASSWORD,
  callApi,
  cognito,
  createUser,
  signIn,
  uniqueEmail,
  type TestUser,
} from "../support/users.js";

/** Sum of every EMF data point per metric name in the API log so far. */
function totals(): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of readFileSync(join(stackLogsDir(), "api.log"), "utf8").split("\n")) {
    const start = line.indexOf('{"_aws"');
    if (start < 0) continue;
    const document = JSON.parse(line.slice(start)) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
    };
    for (const { Name } of document._aws.CloudWatchMetrics.flatMap((set) => set.Metrics)) {
      sums.set(Name, (sums.get(Name) ?? 0) + Number(document[Name]));
    }
  }
  return sums;
}

/** What `act` added to each of `names`, once the log has caught up (a failed `act` is awaited). */
async function emittedBy(names: MetricName[], act: () => Promise<unknown>) {
  const before = totals();
  await act().catch(() => undefined);
  const delta = () =>
    Object.fromEntries(names.map((n) => [n, (totals().get(n) ?? 0) - (before.get(n) ?? 0)]));
  for (let tries = 0; tries < 50 && Object.values(delta()).some((d) => d === 0); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return delta();
}

describe("metrics emitted by the local stack", () => {
  let user: TestUser;

  beforeAll(async () => {
    useLocalData();
    user = await createUser();
  });

  it("counts a created and a deleted note, each as a 2xx route outcome", async () => {
    let noteId = "";
    const created = await emittedBy(["NoteCreated", "Route2xx"], async () => {
      const response = await callApi("/notes", {
        method: "POST",
        token: user.accessToken,
        body: { title: "m" },
      });
      noteId = ((await response.json()) as { noteId: string }).noteId;
    });
    const deleted = await emittedBy(["NoteDeleted"], () =>
      callApi(`/notes/${noteId}`, { method: "DELETE", token: user.accessToken }),
    );

    expect(created).toEqual({ NoteCreated: 1, Route2xx: 1 });
    expect(deleted).toEqual({ NoteDeleted: 1 });
  });

  it("counts a requested and a deleted file", async () => {
    let fileId = "";
    const created = await emittedBy(["FileCreated"], async () => {
      const response = await callApi("/files", {
        method: "POST",
        token: user.accessToken,
        body: { fileName: "m.txt", contentType: "text/plain", size: 3 },
      });
      fileId = ((await response.json()) as { fileId: string }).fileId;
    });
    const deleted = await emittedBy(["FileDeleted"], () =>
      callApi(`/files/${fileId}`, { method: "DELETE", token: user.accessToken }),
    );

    expect(created).toEqual({ FileCreated: 1 });
    expect(deleted).toEqual({ FileDeleted: 1 });
  });

  it("counts a 404 as a 4xx route outcome", async () => {
    const counted = await emittedBy(["Route4xx"], () =>
      callApi("/notes/01ARZ3NDEKTSV4RRFFQ69G5FAV", { token: user.accessToken }),
    );

    expect(counted).toEqual({ Route4xx: 1 });
  });

  it("counts the authorizer's refusals: a forged token, and a non-admin on an admin route", async () => {
    const forged = await emittedBy(["AuthorizerDenied"], () =>
      callApi("/admin/users", { token: `${user.accessToken.slice(0, -4)}AAAA` }),
    );
    const notAdmin = await emittedBy(["AuthorizerDenied"], () =>
      callApi("/admin/users", { token: user.accessToken }),
    );

    expect(forged).toEqual({ AuthorizerDenied: 1 });
    expect(notAdmin).toEqual({ AuthorizerDenied: 1 });
  });

  it("counts a sign-up, its confirmation, the sign-in and the tokens it issues", async () => {
    const counted = await emittedBy(["SignUp", "Confirmation", "SignIn", "TokenGenerated"], () =>
      createUser(uniqueEmail("metrics")),
    );

    expect(counted).toEqual({ SignUp: 1, Confirmation: 1, SignIn: 1, TokenGenerated: 1 });
  });

  it("counts a sign-up refused for its domain, and nothing as a sign-up", async () => {
    const address = `refused-${Date.now()}@not-allowed.invalid`;
    const counted = await emittedBy(["SignUpRefused", "SignUp", "TriggerFailed"], () =>
      cognito().send(
        new SignUpCommand({
          ClientId: stack().cognito.userPoolClientId,
          Username: address,
          Password: TEST_PASSWORD,
          UserAttributes: [{ Name: "email", Value: address }],
        }),
      ),
    );

    expect(counted).toEqual({ SignUpRefused: 1, SignUp: 0, TriggerFailed: 0 });
  });

  it("counts a sign-in refused because the profile is disabled, and no sign-in", async () => {
    // The profile alone: an admin's disable also disables the Cognito user, which Cognito refuses
    // before any trigger runs; PreAuthentication is the guard when that second step has not run.
    const disabled = await createUser(uniqueEmail("metrics-disabled"));
    await setStatus(disabled.sub, "disabled");

    const counted = await emittedBy(["SignInRefusedDisabled", "SignIn", "TokenGenerated"], () =>
      signIn(disabled.email),
    );

    expect(counted).toEqual({ SignInRefusedDisabled: 1, SignIn: 0, TokenGenerated: 0 });
  });

  it("counts a legacy user's migration at first sign-in, and a refused one", async () => {
    const legacy = uniqueEmail("metrics-legacy");
    const password = "Str0ng-Legacy-Pass";
    await seedLegacyUsers(dynamo(), stack().dynamodb.tables.legacyUsers, [
      { email: legacy, password },
    ]);

    const migrated = await emittedBy(["MigrationSucceeded", "MigrationFailed"], () =>
      signIn(legacy, password),
    );
    const refused = await emittedBy(["MigrationFailed", "MigrationSucceeded"], () =>
      signIn(uniqueEmail("metrics-unknown"), password),
    );

    expect(migrated).toEqual({ MigrationSucceeded: 1, MigrationFailed: 0 });
    expect(refused).toEqual({ MigrationFailed: 1, MigrationSucceeded: 0 });
  });
});
