// The first-run setup page: /setup/<token> creates the first staff account, once.
import { Elysia } from "elysia";
import type { Db } from "../../db/index.ts";
import { completeSetup, setupTokenValid } from "../../core/admin/setup.ts";
import { ValidationError } from "../../core/admin/names.ts";
import { escapeHtml, page } from "./layout.ts";

function form(token: string, error = "", values: Record<string, string> = {}): string {
  return page(
    "Set up updns",
    `<h1>Set up updns</h1>
<p>Create the first staff account. This link works once.</p>
${error ? `<p role="alert" class="error">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/setup/${escapeHtml(token)}">
  <label>Username <input name="username" required autocomplete="username" value="${escapeHtml(values.username ?? "")}"></label>
  <label>E-mail <input name="email" type="email" required value="${escapeHtml(values.email ?? "")}"></label>
  <label>Password (at least 10 characters) <input name="password" type="password" required minlength="10" autocomplete="new-password"></label>
  <button type="submit">Create staff account</button>
</form>`,
  );
}

const html = (body: string, status = 200) => new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });

export function setupRoutes(db: Db) {
  return new Elysia({ name: "setup" })
    .get("/setup/:token", ({ params }) =>
      setupTokenValid(db, params.token) ? html(form(params.token)) : html(page("Setup", "<h1>This setup link is invalid or was already used.</h1>"), 404),
    )
    .post("/setup/:token", async ({ params, request }) => {
      if (!setupTokenValid(db, params.token)) return html(page("Setup", "<h1>This setup link is invalid or was already used.</h1>"), 404);
      const body = new URLSearchParams(await request.text());
      const values = { username: body.get("username") ?? "", email: body.get("email") ?? "", password: body.get("password") ?? "" };
      try {
        const user = await completeSetup(db, params.token, values);
        return html(page("Setup done", `<h1>Staff account ${escapeHtml(user.username)} created.</h1><p><a href="/">Continue</a></p>`));
      } catch (e) {
        if (e instanceof ValidationError) return html(form(params.token, e.message, values), 400);
        throw e;
      }
    });
}
