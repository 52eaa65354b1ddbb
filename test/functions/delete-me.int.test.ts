/**
 * DELETE /me on the local stack: after it, no item, object or Cognito user of the caller's `sub`
 * remains (the whole table is scanned and the whole bucket listed to prove it), and a deletion
 * that failed part-way is completed by a retry. The failure is injected into the in-process
 * handler's Cognito client; everything else is real (DynamoDB Local, the S3 emulator, the Cognito
 * emulator, the API over HTTP).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { AdminGetUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/delete-me.js";
import { seedLegacyUsers } from "../../scripts/local/seed.js";
import type { NewFile } from "../../shared/files/store.js";
import { getLegacyUser } from "../../shared/cognito/legacy-users.js";
import { cognitoIdp, dynamo } from "../../shared/runtime/aws.js";
import { getProfile } from "../../shared/users/profiles.js";
import { apiEvent, lambdaContext } from "../fixtures/api-events.js";
import { postForm } from "../fixtures/s3-uploads.js";
import { captureLogs } from "../support/captured-logs.js";
import { emulatorS3, useLocalFiles } from "../support/local-files.js";
import { stack } from "../support/stack.js";
import {
  callApi,
  cognito,
  createUser,
  signIn,
  uniqueEmail,
  type TestUser,
} from "../support/users.js";

const logs = captureLogs();

beforeAll(() => {
  useLocalFiles();
  vi.stubEnv("USER_POOL_ID", stack().cognito.userPoolId);
  vi.stubEnv("COGNITO_ENDPOINT", stack().cognito.endpoint);
  vi.stubEnv("LEGACY_USERS_TABLE", stack().dynamodb.tables.legacyUsers);
});

/** Makes the next `AdminDeleteUser` of the in-process handler fail, as a network fault would. */
function failNextPoolDeletion(): void {
  let armed = true;
  cognitoIdp().middlewareStack.add(
    (next, context) => async (args) => {
      if (armed && context.commandName === "AdminDeleteUserCommand") {
        armed = false;
        throw new Error("injected: connection reset");
      }
      return next(args);
    },
    { step: "initialize", name: `injectFault-${randomUUID()}` },
  );
}

/** A user with notes, an uploaded file, a declared-only file and a stray object of their own. */
async function userWithData(email = uniqueEmail("delete-me")): Promise<TestUser> {
  const user = await createUser(email);
  for (const title of ["first", "second"]) {
    const note = await callApi("/notes", {
      method: "POST",
      token: user.accessToken,
      body: { title, body: "text" },
    });
    expect(note.status).toBe(201);
  }
  const bytes = randomBytes(32);
  for (const fileName of ["uploaded.txt", "declared.txt"]) {
    const declared = await callApi("/files", {
      method: "POST",
      token: user.accessToken,
      body: { fileName, contentType: "text/plain", size: bytes.length },
    });
    expect(declared.status).toBe(201);
    if (fileName === "uploaded.txt") {
      const file = (await declared.json()) as NewFile;
      expect((await postForm(file.upload, bytes, "text/plain")).status).toBe(204);
    }
  }
  await emulatorS3().send(
    new PutObjectCommand({ Bucket: stack().s3.bucket, Key: `users/${user.sub}/stray`, Body: "x" }),
  );
  return user;
}

/** Every item of the table that mentions `sub` anywhere. */
async function itemsOf(sub: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new ScanCommand({ TableName: stack().dynamodb.tables.data, ExclusiveStartKey }),
    );
    found.push(...(page.Items ?? []).filter((item) => JSON.stringify(item).includes(sub)));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return found;
}

/** Every object key of the bucket that mentions `sub`. */
async function objectsOf(sub: string): Promise<string[]> {
  const { Contents = [] } = await emulatorS3().send(
    new ListObjectsV2Command({ Bucket: stack().s3.bucket }),
  );
  return Contents.flatMap((object) => (object.Key?.includes(sub) ? [object.Key] : []));
}

async function poolUserOf(sub: string): Promise<string> {
  return cognito()
    .send(new AdminGetUserCommand({ UserPoolId: stack().cognito.userPoolId, Username: sub }))
    .then(
      (user) => user.UserStatus ?? "?",
      (error: unknown) => (error instanceof Error ? error.name : "?"),
    );
}

const deleteMe = (user: TestUser) => callApi("/me", { method: "DELETE", token: user.accessToken });

describe("DELETE /me", () => {
  it("removes every item, object and the Cognito user of the caller, and nothing of anyone else", async () => {
    const user = await userWithData();
    const other = await userWithData();
    expect((await itemsOf(user.sub)).length).toBeGreaterThanOrEqual(5);
    expect((await objectsOf(user.sub)).length).toBe(2);

    const response = await deleteMe(user);
    const again = await deleteMe(user);

    expect(response.status).toBe(204);
    expect(again.status).toBe(204);
    expect(await itemsOf(user.sub)).toEqual([]);
    expect(await objectsOf(user.sub)).toEqual([]);
    expect(await poolUserOf(user.sub)).toBe("UserNotFoundException");
    expect((await itemsOf(other.sub)).length).toBeGreaterThanOrEqual(5);
    expect((await objectsOf(other.sub)).length).toBe(2);
    expect(await poolUserOf(other.sub)).toBe("CONFIRMED");
  });

  it("is completed by a retry after a failure part-way, and issues no token in between", async () => {
    const user = await userWithData();
    failNextPoolDeletion();

    const failed = await handler(
      apiEvent({ method: "DELETE", resource: "/me", sub: user.sub }),
      lambdaContext(),
    );
    const tombstone = await getProfile(user.sub);
    const signInBetween = await signIn(user.email).then(
      () => "signed in",
      (error: unknown) => (error instanceof Error ? error.message : "?"),
    );
    const retried = await deleteMe(user);

    expect(failed.statusCode).toBe(500);
    expect(logs.lines().join("\n")).toContain("injected: connection reset");
    expect(tombstone?.status).toBe("deleting");
    expect(signInBetween).toContain("This account is disabled.");
    expect(retried.status).toBe(204);
    expect(await itemsOf(user.sub)).toEqual([]);
    expect(await objectsOf(user.sub)).toEqual([]);
    expect(await poolUserOf(user.sub)).toBe("UserNotFoundException");
  });

  it("removes a migrated user's legacy record, so the account cannot come back by migrating", async () => {
    const legacy = { email: uniqueEmail("legacy-deleted"), password: `Legacy!${randomUUID()}` };
    await seedLegacyUsers(dynamo(), stack().dynamodb.tables.legacyUsers, [legacy]);
    const tokens = await signIn(legacy.email, legacy.password);

    const response = await callApi("/me", { method: "DELETE", token: tokens.accessToken });
    const again = await signIn(legacy.email, legacy.password).then(
      () => "signed in",
      (error: unknown) => (error instanceof Error ? error.name : "?"),
    );

    expect(response.status).toBe(204);
    expect(await getLegacyUser(legacy.email)).toBeUndefined();
    expect(again).toBe("NotAuthorizedException");
  });

  it("answers 401 without a valid token", async () => {
    const response = await callApi("/me", { method: "DELETE", token: "not-a-token" });

    expect(response.status).toBe(401);
  });
});
