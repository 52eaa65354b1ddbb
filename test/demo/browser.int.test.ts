/**
 * The browser demo driven in headless Chromium (Debian's `chromium` package): Amplify's default
 * sign-up, confirmation and SRP sign-in against the local Cognito emulator, then the API and the
 * S3 emulator called cross-origin, so the stack's CORS answers are judged by a real browser;
 * and "Sign in with managed login", the redirect flow with PKCE through the emulator's form.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { stack, stackLogsDir } from "../support/stack.js";
import { createUser, TEST_PASSWORD, uniqueEmail } from "../support/users.js";

const CHROMIUM = "/usr/bin/chromium";
const screenshot = resolve(import.meta.dirname, "../../.local/demo.png");

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium), ` +
        "as .ci/run does, to run the browser test",
    );
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  page = await browser.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
}, 60_000);

afterAll(async () => {
  await browser.close();
});

/** Clicks `button` and waits for its result in `#<out>`: the text, and whether it failed. */
async function run(button: string, out: string): Promise<{ state: string; text: string }> {
  // A string runs in the page (this file is typed for Node, not the DOM).
  await page.evaluate(
    `document.getElementById(${JSON.stringify(out)}).removeAttribute("data-state")`,
  );
  await page.click(`#${button}`);
  const result = page.locator(`#${out}[data-state="done"], #${out}[data-state="error"]`);
  await result.waitFor({ timeout: 20_000 });
  return {
    state: (await result.getAttribute("data-state")) ?? "",
    text: (await result.textContent()) ?? "",
  };
}

/** The confirmation code the Cognito emulator "sent" to `email` (the local mailbox). */
async function codeFor(email: string): Promise<string> {
  const mailbox = join(stackLogsDir(), "mail.jsonl");
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const code = existsSync(mailbox)
      ? readFileSync(mailbox, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { to: string; code?: string })
          .findLast((message) => message.to === email && message.code)?.code
      : undefined;
    if (code) return code;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`No confirmation code for ${email} in ${mailbox}`);
}

describe("the browser demo in headless Chromium", () => {
  it("signs up, confirms, signs in with SRP, calls the API and S3 cross-origin", async () => {
    const email = uniqueEmail("browser");
    await page.goto(stack().demoUrl);
    await page.locator("body[data-ready]").waitFor({ timeout: 20_000 });
    await page.fill("#email", email);
    await page.fill("#password", TEST_PASSWORD);

    const signedUp = await run("sign-up", "account-out");
    expect(signedUp).toEqual({ state: "done", text: "Signed up; next step: CONFIRM_SIGN_UP" });

    await page.fill("#code", await codeFor(email));
    expect(await run("confirm", "account-out")).toEqual({
      state: "done",
      text: "Confirmed; next step: DONE",
    });
    expect(await run("sign-in", "account-out")).toEqual({
      state: "done",
      text: "Signed in: true; next step: DONE",
    });

    const me = await run("me", "me-out");
    expect(me.state).toBe("done");
    expect(JSON.parse(me.text)).toMatchObject({ email, org: "example.com" });

    await page.fill("#note-title", "From the browser");
    await page.fill("#note-body", "First draft");
    const created = await run("note-create", "note-out");
    expect(created.state).toBe("done");
    expect(JSON.parse(created.text)).toMatchObject({
      note: { title: "From the browser", body: "First draft", version: 1 },
      etag: '"1"',
    });
    await page.fill("#note-body", "Edited");
    const edited = await run("note-save", "note-out");
    expect(edited.state).toBe("done");
    expect(JSON.parse(edited.text)).toMatchObject({
      note: { body: "Edited", version: 2 },
      etag: '"2"',
    });

    await page.setInputFiles("#file", {
      name: "hello.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Hello from Chromium\n"),
    });
    const file = await run("file-upload", "file-out");
    expect(file.state).toBe("done");
    expect(JSON.parse(file.text)).toMatchObject({
      uploaded: 204,
      downloaded: "Hello from Chromium\n",
    });

    const anonymous = await run("me-anonymous", "me-out");
    expect(anonymous.state).toBe("done");
    expect(JSON.parse(anonymous.text)).toMatchObject({
      status: 401,
      contentType: "application/problem+json",
      body: { status: 401, title: expect.any(String) as unknown },
    });

    mkdirSync(resolve(screenshot, ".."), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("signs in with managed login (code + PKCE redirect) and calls the API with its token", async () => {
    const user = await createUser(uniqueEmail("managed"));
    await page.goto(stack().demoUrl);
    await page.locator("body[data-ready]").waitFor({ timeout: 20_000 });

    await page.click("#managed-login");
    await page.waitForURL(/\/oauth2\/authorize\?/, { timeout: 20_000 });
    await page.fill('input[name="username"]', user.email);
    await page.fill('input[name="password"]', TEST_PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForURL(stack().demoUrl, { timeout: 20_000 });
    await page.locator("body[data-ready]").waitFor({ timeout: 20_000 });
    const account = page.locator(
      '#account-out[data-state="done"], #account-out[data-state="error"]',
    );
    await account.waitFor({ timeout: 20_000 });

    expect(await account.getAttribute("data-state")).toBe("done");
    expect(await account.textContent()).toBe(`Signed in with managed login: ${user.email}`);
    const me = await run("me", "me-out");
    expect(me.state).toBe("done");
    expect(JSON.parse(me.text)).toMatchObject({ sub: user.sub, email: user.email });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
