/**
 * Per-user files: the bytes in the private bucket under `users/<sub>/<fileId>`, the metadata in the
 * single table (`pk = USER#<sub>`, `sk = FILE#<fileId>`). `<sub>` is always the verified caller and
 * `<fileId>` a server-made ULID, so the storage key never contains anything a client typed (the
 * file name is metadata only) and no caller can reach another user's object or item: another
 * user's file is "not found", from the same code path as an id that never existed.
 *
 * Uploads go straight to S3 with a presigned POST whose signed policy fixes the key, the bucket,
 * the exact content type and the exact size (`content-length-range` [size, size]) and expires
 * after 5 minutes. (A presigned PUT cannot bound the size.) Downloads are presigned GETs that live
 * 60 seconds and are served as attachments.
 *
 * Upload state: the API never sees the upload itself, so a new file is stored as `pending`. It
 * becomes `available` the first time `GET /files/{id}` or `GET /files` finds its object with
 * HeadObject *and* the object's size and type match the declared ones (S3 enforces the policy, as
 * the local S3 endpoint does, so they always do; the check still keeps a mismatching object, however
 * it got there, pending). Only available files are listed or downloadable: an upload never made is a 404. A
 * pending file still without an object an hour after its upload window closed can never get one,
 * so the check that finds it that way also deletes its metadata. HeadObject on a missing key
 * answers 404 only with `s3:ListBucket`; without it S3 answers 403, which is treated as an error,
 * not as "absent".
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
} from "@aws-sdk/client-s3";
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { dynamo, s3 } from "../runtime/aws.js";
import { config } from "../runtime/config.js";
import { attachment } from "./content-disposition.js";
import { NotFoundError } from "../http/errors.js";
import type { FileInput } from "./schemas.js";
import { isId, newId, userPk } from "../data/keys.js";
import { queryOwnItems, type Page, type PageRequest } from "../data/paging.js";
import { conditionalWrite } from "../data/conditional-write.js";
import { fieldsOf } from "../data/items.js";

/** How long a presigned upload may start (at most 15 minutes; docs/api.md lists it). */
export const UPLOAD_EXPIRES_SECONDS = 300;
/** How long a presigned download may start. */
export const DOWNLOAD_EXPIRES_SECONDS = 60;
/** How long after its upload window a pending file waits for a slow upload before it is dropped. */
export const PENDING_GRACE_SECONDS = 3600;

/** File metadata as clients see it: never the table's keys, the storage key or the status. */
export interface FileMeta {
  fileId: string;
  fileName: string;
  contentType: string;
  size: number;
  createdAt: string;
}

/** The answer to `POST /files`: the declared metadata and the form to POST the bytes with. */
export interface NewFile {
  fileId: string;
  fileName: string;
  contentType: string;
  size: number;
  upload: { url: string; fields: Record<string, string> };
  expiresIn: number;
}

/** The answer to `GET /files/{fileId}`. */
export interface FileDownload extends FileMeta {
  downloadUrl: string;
  expiresIn: number;
}

export type FilePage = Page<FileMeta>;

type Status = "pending" | "available";

const FILE_PREFIX = "FILE#";

/** The object key of a file: chosen by the server, under the caller's prefix. */
export const objectKey = (sub: string, fileId: string) => `users/${sub}/${fileId}`;

const fileKey = (sub: string, fileId: string) => ({ pk: userPk(sub), sk: FILE_PREFIX + fileId });

/** The one "not found" for files: absent, pending, malformed and another user's look the same. */
export const fileNotFound = () => new NotFoundError("The file does not exist.");

function toFile(item: Record<string, unknown>): FileMeta {
  const field = fieldsOf(item, "file");
  return {
    fileId: field.string("fileId"),
    fileName: field.string("fileName"),
    contentType: field.string("contentType"),
    size: field.number("size"),
    createdAt: field.string("createdAt"),
  };
}

/**
 * Signs a POST form that can store exactly `input.size` bytes of `input.contentType` at the
 * server-chosen key within the next 5 minutes, then stores the metadata as `pending`. Signing comes
 * first so that a signing failure stores nothing; a failed write returns no form, so no upload.
 */
export async function createFile(
  sub: string,
  input: FileInput,
  now = new Date(),
): Promise<NewFile> {
  const fileId = newId(now.getTime());
  const status: Status = "pending";
  const upload = await createPresignedPost(s3(), {
    Bucket: config.bucketName(),
    Key: objectKey(sub, fileId),
    Fields: { "Content-Type": input.contentType },
    Conditions: [["content-length-range", input.size, input.size]],
    Expires: UPLOAD_EXPIRES_SECONDS,
  });
  await dynamo().send(
    new PutCommand({
      TableName: config.tableName(),
      Item: {
        ...fileKey(sub, fileId),
        fileId,
        fileName: input.fileName,
        contentType: input.contentType,
        size: input.size,
        createdAt: now.toISOString(),
        status,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  );
  return { fileId, ...input, upload, expiresIn: UPLOAD_EXPIRES_SECONDS };
}

async function headObject(
  sub: string,
  fileId: string,
): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3().send(
      new HeadObjectCommand({ Bucket: config.bucketName(), Key: objectKey(sub, fileId) }),
    );
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return undefined;
    throw error;
  }
}

/** Marks a checked upload available; undefined when the file was deleted meanwhile. */
async function markAvailable(sub: string, file: FileMeta): Promise<FileMeta | undefined> {
  const written = await conditionalWrite(
    dynamo().send(
      new UpdateCommand({
        TableName: config.tableName(),
        Key: fileKey(sub, file.fileId),
        UpdateExpression: "SET #status = :available",
        ConditionExpression: "attribute_exists(pk) AND #status = :pending",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":available": "available", ":pending": "pending" },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    ),
  );
  return written.ok || written.existed ? file : undefined;
}

/** Drops the metadata of a pending file whose upload can no longer happen. */
async function forgetAbandoned(sub: string, fileId: string): Promise<void> {
  await conditionalWrite(
    dynamo().send(
      new DeleteCommand({
        TableName: config.tableName(),
        Key: fileKey(sub, fileId),
        ConditionExpression: "#status = :pending",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":pending": "pending" },
      }),
    ),
  );
}

/** The file if its upload is complete (checking S3 once for a pending one), else undefined. */
async function settle(
  sub: string,
  item: Record<string, unknown>,
  now: Date,
): Promise<FileMeta | undefined> {
  const file = toFile(item);
  if (item["status"] === "available") return file;
  const object = await headObject(sub, file.fileId);
  if (object === undefined) {
    const deadline =
      Date.parse(file.createdAt) + (UPLOAD_EXPIRES_SECONDS + PENDING_GRACE_SECONDS) * 1000;
    if (now.getTime() > deadline) await forgetAbandoned(sub, file.fileId);
    return undefined;
  }
  if (object.ContentLength !== file.size || object.ContentType !== file.contentType)
    return undefined;
  return markAvailable(sub, file);
}

/** The caller's file once its upload is complete; undefined otherwise (also for a malformed id). */
export async function getFile(
  sub: string,
  fileId: string | undefined,
  now = new Date(),
): Promise<FileMeta | undefined> {
  if (!isId(fileId)) return undefined;
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: config.tableName(),
      Key: fileKey(sub, fileId),
      ConsistentRead: true,
    }),
  );
  return Item ? settle(sub, Item, now) : undefined;
}

/** The file with a short-lived URL that downloads it as an attachment under its own name. */
export async function withDownloadUrl(sub: string, file: FileMeta): Promise<FileDownload> {
  const downloadUrl = await getSignedUrl(
    s3(),
    new GetObjectCommand({
      Bucket: config.bucketName(),
      Key: objectKey(sub, file.fileId),
      ResponseContentDisposition: attachment(file.fileName),
      ResponseContentType: file.contentType,
    }),
    { expiresIn: DOWNLOAD_EXPIRES_SECONDS },
  );
  return { ...file, downloadUrl, expiresIn: DOWNLOAD_EXPIRES_SECONDS };
}

/**
 * One page of the caller's available files, newest first, paged like notes. Pending files on the
 * page are checked (and promoted or dropped) first, so a page may hold fewer than `limit` files —
 * even none — while `nextCursor` says more may follow.
 */
export async function listFiles(
  sub: string,
  page: PageRequest,
  now = new Date(),
): Promise<FilePage> {
  const items = await queryOwnItems(sub, FILE_PREFIX, page);
  const settled = await Promise.all(items.items.map((item) => settle(sub, item, now)));
  return { ...items, items: settled.filter((file) => file !== undefined) };
}

/**
 * Deletes the caller's file: the object first, then the metadata, so a failure half-way leaves the
 * file listed and a retry finishes the job (deleting a missing object succeeds). 404 when the
 * caller has no such file; the object key is under the caller's prefix, so no other user's object
 * is ever touched.
 */
export async function deleteFile(sub: string, fileId: string | undefined): Promise<void> {
  if (!isId(fileId)) throw fileNotFound();
  await s3().send(
    new DeleteObjectCommand({ Bucket: config.bucketName(), Key: objectKey(sub, fileId) }),
  );
  const deleted = await conditionalWrite(
    dynamo().send(
      new DeleteCommand({
        TableName: config.tableName(),
        Key: fileKey(sub, fileId),
        ConditionExpression: "attribute_exists(pk)",
      }),
    ),
  );
  if (!deleted.ok) throw fileNotFound();
}
