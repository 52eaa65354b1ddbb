/**
 * The demo page's script: Amplify v6 with its defaults (SRP sign-in, tokens in localStorage)
 * against the local Cognito emulator, or managed login (./managed-login.ts), then `fetch` to the
 * API and the S3 emulator. Every call is
 * cross-origin, so the browser enforces the stack's CORS answers.
 */
import { Amplify } from "aws-amplify";
import { confirmSignUp, fetchAuthSession, signIn, signOut, signUp } from "aws-amplify/auth";
import {
  completeManagedLogin,
  forgetManagedLogin,
  managedAccessToken,
  signInWithManagedLogin,
} from "./managed-login.js";

interface DemoConfig {
  apiUrl: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  cognitoEndpoint: string;
}

interface Note {
  noteId: string;
  title: string;
  body: string;
  version: number;
}

interface NewFile {
  fileId: string;
  upload: { url: string; fields: Record<string, string> };
}

const config = (await (await fetch("config.json")).json()) as DemoConfig;
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: config.userPoolId,
      userPoolClientId: config.userPoolClientId,
      userPoolEndpoint: config.cognitoEndpoint,
    },
  },
});

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`The page has no #${id}`);
  return found;
}

const value = (id: string) => element(id, HTMLInputElement).value.trim();

/** Runs `action` on a click; its result (or error) goes to `#<out>`, `data-state` tells which. */
function on(button: string, out: string, action: () => Promise<unknown>): void {
  const target = element(out, HTMLPreElement);
  element(button, HTMLButtonElement).addEventListener("click", () => {
    target.dataset["state"] = "busy";
    target.className = "";
    action().then(
      (result) => {
        target.textContent = typeof result === "string" ? result : JSON.stringify(result, null, 2);
        target.dataset["state"] = "done";
      },
      (error: unknown) => {
        target.textContent =
          error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        target.className = "error";
        target.dataset["state"] = "error";
      },
    );
  });
}

async function accessToken(): Promise<string> {
  const managed = managedAccessToken();
  if (managed !== undefined) return managed;
  const token = (await fetchAuthSession()).tokens?.accessToken;
  if (!token) throw new Error("Sign in first");
  return token.toString();
}

/** Calls the API; a non-2xx answer throws with the problem body the browser read. */
async function api(path: string, init: RequestInit = {}, token?: string): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set("Authorization", `Bearer ${token}`);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  const response = await fetch(`${config.apiUrl}${path}`, { ...init, headers });
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return response;
}

on("sign-up", "account-out", async () => {
  const email = value("email");
  const result = await signUp({
    username: email,
    password: value("password"),
    options: { userAttributes: { email } },
  });
  return `Signed up; next step: ${result.nextStep.signUpStep}`;
});

on("confirm", "account-out", async () => {
  const result = await confirmSignUp({
    username: value("email"),
    confirmationCode: value("code"),
  });
  return `Confirmed; next step: ${result.nextStep.signUpStep}`;
});

on("sign-in", "account-out", async () => {
  const result = await signIn({ username: value("email"), password: value("password") });
  return `Signed in: ${String(result.isSignedIn)}; next step: ${result.nextStep.signInStep}`;
});

on("managed-login", "account-out", async () => {
  await signInWithManagedLogin(config);
  return "Redirecting to managed login…";
});

on("sign-out", "account-out", async () => {
  forgetManagedLogin();
  await signOut();
  return "Signed out";
});

on("me", "me-out", async () => (await api("/me", {}, await accessToken())).json());

on("me-anonymous", "me-out", async () => {
  const response = await fetch(`${config.apiUrl}/me`);
  return {
    status: response.status,
    contentType: response.headers.get("Content-Type"),
    body: (await response.json()) as unknown,
  };
});

let current: { note: Note; etag: string } | undefined;

on("note-create", "note-out", async () => {
  const response = await api(
    "/notes",
    {
      method: "POST",
      body: JSON.stringify({ title: value("note-title"), body: value("note-body") }),
    },
    await accessToken(),
  );
  const etag = response.headers.get("ETag");
  if (etag === null) throw new Error("The ETag header is not readable (CORS expose headers)");
  current = { note: (await response.json()) as Note, etag };
  return current;
});

on("note-save", "note-out", async () => {
  if (!current) throw new Error("Create a note first");
  const response = await api(
    `/notes/${current.note.noteId}`,
    {
      method: "PUT",
      headers: { "If-Match": current.etag },
      body: JSON.stringify({ title: value("note-title"), body: value("note-body") }),
    },
    await accessToken(),
  );
  const etag = response.headers.get("ETag");
  if (etag === null) throw new Error("The ETag header is not readable (CORS expose headers)");
  current = { note: (await response.json()) as Note, etag };
  return current;
});

on("file-upload", "file-out", async () => {
  const file = element("file", HTMLInputElement).files?.[0];
  if (!file) throw new Error("Choose a file first");
  const token = await accessToken();
  const declared = (await (
    await api(
      "/files",
      {
        method: "POST",
        body: JSON.stringify({
          fileName: file.name,
          contentType: file.type || "application/octet-stream",
          size: file.size,
        }),
      },
      token,
    )
  ).json()) as NewFile;
  const form = new FormData();
  for (const [name, field] of Object.entries(declared.upload.fields)) form.append(name, field);
  form.append("file", file);
  const stored = await fetch(declared.upload.url, { method: "POST", body: form });
  if (!stored.ok) throw new Error(`Upload refused: ${stored.status} ${await stored.text()}`);
  const { downloadUrl } = (await (await api(`/files/${declared.fileId}`, {}, token)).json()) as {
    downloadUrl: string;
  };
  const downloaded = await fetch(downloadUrl);
  if (!downloaded.ok) throw new Error(`Download failed: ${downloaded.status}`);
  return { fileId: declared.fileId, uploaded: stored.status, downloaded: await downloaded.text() };
});

/** Back from managed login: the code is redeemed before the page says it is ready. */
const accountOut = element("account-out", HTMLPreElement);
try {
  const email = await completeManagedLogin(config);
  if (email !== undefined) {
    accountOut.textContent = `Signed in with managed login: ${email}`;
    accountOut.dataset["state"] = "done";
  }
} catch (error) {
  accountOut.textContent = error instanceof Error ? error.message : String(error);
  accountOut.className = "error";
  accountOut.dataset["state"] = "error";
}

document.body.dataset["ready"] = "true";
