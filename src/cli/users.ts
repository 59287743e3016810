import type { Db } from "../db/index.ts";
import { createUser, listUsers, requireUser } from "../core/admin/users.ts";
import { deleteAccount, setActive, setStaff } from "../auth/index.ts";
import { CliError, parse, print, secretFromStdin, table, type Io, type OpenDb } from "./args.ts";

const USAGE = "updns user add NAME --email EMAIL [--staff] [--password-stdin] | updns user list | updns user remove NAME | updns user set NAME [--active|--inactive] [--staff|--no-staff]";

/** `removeDns` takes the user's hosts out of DNS before the account and its rows go. */
export async function userCommand(argv: string[], io: Io, openDb: OpenDb, removeDns?: (db: Db, userId: number) => Promise<void>): Promise<void> {
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
      return print(io, values.json, { id: u.id, username: u.username, email: u.email, staff: u.isStaff }, () => `user ${u.username} created${u.isStaff ? " (staff)" : ""}`);
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
    default:
      throw new CliError(`unknown user command "${sub}"\nusage: ${USAGE}`);
  }
}
