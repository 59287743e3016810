import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import { createUser, listUsers, requireUser } from "../core/index.ts";
import { deleteAccount, issueToken, setActive, setStaff, TOKEN_LIFETIME_MS } from "../auth/index.ts";
import { CliError, parse, print, secretFromStdin, table, type Io, type OpenDb } from "./args.ts";

const USAGE = "updns user add NAME --email EMAIL [--staff] [--password-stdin] | updns user list | updns user remove NAME | updns user set NAME [--active|--inactive] [--staff|--no-staff] | updns user reset-link NAME";

/**
 * Where people open the web UI: [server] public_url, else the first [http] listen address (a wildcard one
 * named as localhost, which at least works on the server itself).
 */
function siteBase(cfg: Config): string {
  if (cfg.server.public_url) return cfg.server.public_url.replace(/\/$/, "");
  const listen = (cfg.http.listen[0] ?? "127.0.0.1:8080").replace(/^0\.0\.0\.0:/, "localhost:").replace(/^\[::\]:/, "localhost:");
  return `${cfg.http.tls_cert ? "https" : "http"}://${listen}`;
}

/**
 * A one-time link to the set-a-new-password page for `user` (an earlier one stops working). The link is
 * printed for the operator, never written to the log.
 */
function passwordLink(db: Db, user: { id: number; email: string }, cfg?: Config): { link: string; hours: number } {
  const token = issueToken(db, { purpose: "reset_password", userId: user.id, email: user.email }, new Date());
  return { link: `${cfg ? siteBase(cfg) : ""}/account/password-reset/${token}`, hours: TOKEN_LIFETIME_MS.reset_password / 3600_000 };
}

/**
 * `removeDns` takes the user's hosts out of DNS before the account and its rows go. `cfg` gives the site's
 * address for `reset-link`.
 */
export async function userCommand(argv: string[], io: Io, openDb: OpenDb, removeDns?: (db: Db, userId: number) => Promise<void>, cfg?: Config): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") return io.out(`usage: ${USAGE}`);
  const { values, positionals } = parse(rest, { email: { type: "string" }, staff: { type: "boolean" }, "no-staff": { type: "boolean" }, active: { type: "boolean" }, inactive: { type: "boolean" }, "password-stdin": { type: "boolean" } }, USAGE);
  if (values.help) return io.out(`usage: ${USAGE}`);
  // Read before the database is opened: a refused password leaves nothing behind.
  const password = sub === "add" && values["password-stdin"] ? await secretFromStdin(io, "--password-stdin") : undefined;
  // `user add` may be the first command of an installation; the others need the users it made.
  const db = openDb({ create: sub === "add" });
  switch (sub) {
    case "add": {
      if (positionals.length !== 1) throw new CliError(`user add takes one NAME\nusage: ${USAGE}`);
      if (values.email === undefined) throw new CliError("user add needs --email EMAIL");
      const u = await createUser(db, { username: positionals[0], email: values.email, password, staff: values.staff });
      const created = `user ${u.username} created${u.isStaff ? " (staff)" : ""}`;
      if (password !== undefined) return print(io, values.json, { id: u.id, username: u.username, email: u.email, staff: u.isStaff }, () => created);
      // No password given: the account cannot sign in until one is set, so hand over the way to set it.
      const reset = passwordLink(db, u, cfg);
      return print(
        io,
        values.json,
        { id: u.id, username: u.username, email: u.email, staff: u.isStaff, set_password_link: reset.link, expires_in_hours: reset.hours },
        () =>
          `${created} without a password; ${u.username} sets one with this link (or the site's "Forgot password?" page if mail is configured):\n${reset.link}\n(works once, for ${reset.hours} hours; updns user reset-link ${u.username} prints a new one)`,
      );
    }
    case "list": {
      const rows = listUsers(db).map((u) => ({ username: u.username, email: u.email, staff: u.isStaff, active: u.isActive }));
      return print(io, values.json, rows, () => table(rows, ["username", "email", "staff", "active"]));
    }
    case "remove": {
      if (positionals.length !== 1) throw new CliError(`user remove takes one NAME\nusage: ${USAGE}`);
      const u = requireUser(db, positionals[0]);
      await deleteAccount(db, u.id, removeDns ? (id) => removeDns(db, id) : undefined);
      return print(io, values.json, { removed: positionals[0] }, () => `user ${positionals[0]} removed`);
    }
    case "set": {
      if (positionals.length !== 1) throw new CliError(`user set takes one NAME\nusage: ${USAGE}`);
      if (values.active && values.inactive) throw new CliError("user set: --active and --inactive exclude each other");
      if (values.staff && values["no-staff"]) throw new CliError("user set: --staff and --no-staff exclude each other");
      if (!values.active && !values.inactive && !values.staff && !values["no-staff"]) throw new CliError("user set needs --active, --inactive, --staff or --no-staff");
      const u = requireUser(db, positionals[0]);
      // Both end the user's sessions: a changed privilege must not ride on an old login.
      if (values.active || values.inactive) setActive(db, u.id, Boolean(values.active));
      if (values.staff || values["no-staff"]) setStaff(db, u.id, Boolean(values.staff));
      const after = requireUser(db, positionals[0]);
      return print(io, values.json, { username: after.username, active: after.isActive, staff: after.isStaff }, () => `user ${after.username}: ${after.isActive ? "active" : "inactive"}, ${after.isStaff ? "staff" : "not staff"}`);
    }
    case "reset-link": {
      // For the operator of a server without SMTP: the link is printed here, never written to the log.
      if (positionals.length !== 1) throw new CliError(`user reset-link takes one NAME\nusage: ${USAGE}`);
      const u = requireUser(db, positionals[0]);
      if (!u.isActive) throw new CliError(`user ${u.username} is inactive: make it active first (updns user set ${u.username} --active)`);
      const { link, hours } = passwordLink(db, u, cfg);
      return print(io, values.json, { username: u.username, link, expires_in_hours: hours }, () => `${link}\n(works once, for ${hours} hours; an earlier link for ${u.username} no longer works)`);
    }
    default:
      throw new CliError(`unknown user command "${sub}"\nusage: ${USAGE}`);
  }
}
