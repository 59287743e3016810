import { importNsupdate, type ImportReport } from "../core/index.ts";
import { CliError, parse, print, type Io, type OpenDb } from "./args.ts";

const USAGE = "updns import nsupdate --from DB.sqlite3 [--dry-run]";

function describe(r: ImportReport, dryRun: boolean): string {
  const lines = Object.entries(r).map(([k, v]) => `${k.padEnd(16)} ${String(v.created).padStart(5)} ${dryRun ? "to create" : "created"}, ${v.existing} already here`);
  return (dryRun ? "dry run: nothing was written\n" : "") + lines.join("\n");
}

export async function importCommand(argv: string[], io: Io, openDb: OpenDb): Promise<void> {
  const [kind, ...rest] = argv;
  if (!kind || kind === "--help" || kind === "-h") return io.out(`usage: ${USAGE}`);
  const { values } = parse(rest, { from: { type: "string" }, "dry-run": { type: "boolean" } }, USAGE);
  if (values.help) return io.out(`usage: ${USAGE}`);
  if (kind !== "nsupdate") throw new CliError(`unknown import source "${kind}"\nusage: ${USAGE}`);
  if (!values.from) throw new CliError("import nsupdate needs --from DB (the nsupdate.info SQLite file)");
  // A real import may be the first thing a new installation does; a dry run writes nothing, not even a database.
  const report = importNsupdate(openDb({ create: !values["dry-run"] }), values.from, { dryRun: values["dry-run"] });
  print(io, values.json, { dryRun: Boolean(values["dry-run"]), ...report }, () => describe(report, Boolean(values["dry-run"])));
}
