import type { Db } from "../db/index.ts";
import { createUser, listUsers, removeUser } from "../core/admin/users.ts";
import { CliError, parse, print, table, type Io } from "./args.ts";

const USAGE = "updns user add NAME --email EMAIL [--staff] [--password-stdin] | updns user list | updns user remove NAME";

export async function userCommand(argv: string[], io: Io, openDb: () => Db): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") return io.out(`usage: ${USAGE}`);
  const { values, positionals } = parse(rest, { email: { type: "string" }, staff: { type: "boolean" }, "password-stdin": { type: "boolean" } }, USAGE);
  if (values.help) return io.out(`usage: ${USAGE}`);
  const db = openDb();
  switch (sub) {
    case "add": {
      if (positionals.length !== 1) throw new CliError(`user add takes one NAME\nusage: ${USAGE}`);
      if (values.email === undefined) throw new CliError("user add needs --email EMAIL");
      const password = values["password-stdin"] ? (await io.stdin()).replace(/\r?\n$/, "") : undefined;
      const u = await createUser(db, { username: positionals[0], email: values.email, password, staff: values.staff });
      return print(io, values.json, { id: u.id, username: u.username, email: u.email, staff: u.isStaff }, () => `user ${u.username} created${u.isStaff ? " (staff)" : ""}`);
    }
    case "list": {
      const rows = listUsers(db).map((u) => ({ username: u.username, email: u.email, staff: u.isStaff, active: u.isActive }));
      return print(io, values.json, rows, () => table(rows, ["username", "email", "staff", "active"]));
    }
    case "remove": {
      if (positionals.length !== 1) throw new CliError(`user remove takes one NAME\nusage: ${USAGE}`);
      removeUser(db, positionals[0]);
      return print(io, values.json, { removed: positionals[0] }, () => `user ${positionals[0]} removed`);
    }
    default:
      throw new CliError(`unknown user command "${sub}"\nusage: ${USAGE}`);
  }
}
