// An in-memory ZoneBackend for core and API tests: what a zone holds, with switchable nameserver failures.
// Values of A/AAAA are compared as addresses, as the real backends must (updns.md §1.5).
import { sameAddress } from "../../src/core/index.ts";
import { ZoneBackendError, type ChangeOutcome, type DynamicType, type ZoneBackend, type ZoneRef } from "../../src/core/ports.ts";

export interface FakeRRset {
  values: string[];
  ttl: number;
}

export class FakeBackend implements ZoneBackend {
  readonly rrsets = new Map<string, FakeRRset>();
  /** Every call, "replace zone name type values" / "remove zone name type" / "read ...". */
  readonly calls: string[] = [];
  private failure: { message: string; transient: boolean } | null = null;

  /** From now on every call throws ZoneBackendError (a nameserver outage); `null` heals it. */
  fail(failure: { message?: string; transient?: boolean } | null): void {
    this.failure = failure ? { message: failure.message ?? "timeout talking to the nameserver", transient: failure.transient ?? true } : null;
  }

  private key(zone: ZoneRef, name: string, type: DynamicType): string {
    return `${name === "@" ? zone.name : `${name}.${zone.name}`}/${type}`;
  }

  private check(): void {
    if (this.failure) throw new ZoneBackendError(this.failure.message, this.failure.transient);
  }

  /** What the zone holds for an FQDN (tests read DNS data back with this). */
  get(fqdn: string, type: DynamicType): string[] {
    return this.rrsets.get(`${fqdn}/${type}`)?.values ?? [];
  }

  ttl(fqdn: string, type: DynamicType): number | undefined {
    return this.rrsets.get(`${fqdn}/${type}`)?.ttl;
  }

  set(fqdn: string, type: DynamicType, values: string[], ttl = 60): void {
    this.rrsets.set(`${fqdn}/${type}`, { values, ttl });
  }

  async read(zone: ZoneRef, name: string, type: DynamicType): Promise<string[]> {
    this.calls.push(`read ${name} ${type}`);
    this.check();
    return this.rrsets.get(this.key(zone, name, type))?.values ?? [];
  }

  async replace(zone: ZoneRef, name: string, type: DynamicType, values: string[], ttl: number): Promise<ChangeOutcome> {
    this.calls.push(`replace ${name} ${type} ${values.join(",")}`);
    this.check();
    if (values.length === 0) return this.remove(zone, name, type);
    const k = this.key(zone, name, type);
    const old = this.rrsets.get(k);
    const same =
      old !== undefined &&
      old.ttl === ttl &&
      old.values.length === values.length &&
      values.every((v) => old.values.some((o) => (type === "TXT" ? o === v : sameAddress(o, v))));
    this.rrsets.set(k, { values: [...values], ttl });
    return same ? "unchanged" : "changed";
  }

  async remove(zone: ZoneRef, name: string, type: DynamicType): Promise<ChangeOutcome> {
    this.calls.push(`remove ${name} ${type}`);
    this.check();
    return this.rrsets.delete(this.key(zone, name, type)) ? "changed" : "unchanged";
  }
}
