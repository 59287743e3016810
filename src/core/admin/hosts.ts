// Hosts as the CLI creates them: a name in an existing zone, an owner, and an update secret shown once.
// Creating a host writes nothing to DNS (updns.md §1.12): the first address comes from a client.
import { and, eq } from "drizzle-orm";
import { domains, hosts, type Db } from "../../db/index.ts";
import { generateSecret, hashChosenSecret, hashSecret } from "../secrets.ts";
import { checkNewHostName, splitFqdn } from "../names.ts";
import { ValidationError } from "./names.ts";
import { requireUser } from "./users.ts";
import { requireHostZone, requireNotDelegated } from "../zone-ownership.ts";

export interface CreatedHost {
  id: number;
  fqdn: string;
  /** Cleartext, returned once; only its hash is stored. */
  updateSecret: string;
}

export async function createHost(db: Db, input: { fqdn: string; owner: string; secret?: string }): Promise<CreatedHost> {
  const split = splitFqdn(input.fqdn);
  if (!split) throw new ValidationError("fqdn", `"${input.fqdn}" is not a host name inside a zone (e.g. home.dyn.example.org)`);
  const problem = checkNewHostName(db, split.host);
  if (problem) throw new ValidationError("fqdn", problem);
  const domain = db.select().from(domains).where(eq(domains.name, split.zone)).get();
  if (!domain) throw new ValidationError("fqdn", `no domain named "${split.zone}" (add it with "updns domain add")`);
  const owner = requireUser(db, input.owner);
  requireHostZone(domain, owner.id, "fqdn");
  requireNotDelegated(db, domain.name, `${split.host}.${split.zone}`, "fqdn");
  if (db.select({ id: hosts.id }).from(hosts).where(and(eq(hosts.name, split.host), eq(hosts.domainId, domain.id))).get())
    throw new ValidationError("fqdn", `host ${split.host}.${split.zone} already exists`);
  const secret = input.secret ?? generateSecret();
  if (input.secret !== undefined && (secret.length < 8 || secret.length > 128 || /[\s:]/.test(secret)))
    throw new ValidationError("secret", "a given update secret must be 8–128 characters without spaces or colons");
  const row = db
    .insert(hosts)
    .values({ name: split.host, domainId: domain.id, ownerId: owner.id, updateSecret: input.secret === undefined ? hashSecret(secret) : await hashChosenSecret(secret) })
    .returning()
    .get();
  return { id: row.id, fqdn: `${split.host}.${split.zone}`, updateSecret: secret };
}

export function listHosts(db: Db) {
  return db
    .select({ id: hosts.id, name: hosts.name, zone: domains.name, available: hosts.available, abuse: hosts.abuse, clientFaults: hosts.clientFaults, serverFaults: hosts.serverFaults })
    .from(hosts)
    .innerJoin(domains, eq(hosts.domainId, domains.id))
    .orderBy(domains.name, hosts.name)
    .all()
    .map((h) => ({ fqdn: `${h.name}.${h.zone}`, available: h.available, abuse: h.abuse, client_faults: h.clientFaults, server_faults: h.serverFaults }));
}

export function requireHost(db: Db, fqdn: string) {
  const split = splitFqdn(fqdn);
  const row = split
    ? db
        .select({ host: hosts, domain: domains })
        .from(hosts)
        .innerJoin(domains, eq(hosts.domainId, domains.id))
        .where(and(eq(hosts.name, split.host), eq(domains.name, split.zone)))
        .get()
    : undefined;
  if (!row) throw new ValidationError("fqdn", `no host named "${fqdn}"`);
  return row;
}
