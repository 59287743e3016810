// An in-memory ZoneBackend for core and API tests: what a zone holds, with switchable nameserver failures.
// Values of A/AAAA are compared as addresses, as the real backends must (updns.md §1.5).
import { sameAddress } from "../../src/core/index.ts";
import { ZoneBackendError, type ChangeOutcome, type DynamicType, type ZoneBackend, type ZoneRef } from "../../src/core/ports.ts";

export interface FakeRRset {
  values: string[];
  ttl: number;
}

export interface Failure {
  message?: string;
  transient?: boolean;
  names?: string[];
  afterApply?: boolean;
  /** Heal by itself after this many failed calls (a nameserver's slow moment); absent = until fail(null). */
  times?: number;
}

export class FakeBackend implements ZoneBackend {
  readonly rrsets = new Map<string, FakeRRset>();
  /** Every call, "replace zone name type values" / "remove zone name type" / "read ...". */
  readonly calls: string[] = [];
  private failure: Required<Failure> | null = null;

  /**
   * From now on calls throw ZoneBackendError (a nameserver outage); `null` heals it. `names` limits the failure
   * to those relative names; `afterApply` applies the change first (the UPDATE arrived, its answer was lost).
   */
  fail(failure: Failure | null): void {
    this.failure = failure
      ? { message: failure.message ?? "timeout talking to the nameserver", transient: failure.transient ?? true, names: failure.names ?? [], afterApply: failure.afterApply ?? false, times: failure.times ?? Infinity }
      : null;
  }

  private key(zone: ZoneRef, name: string, type: DynamicType): string {
    return `${name === "@" ? zone.name : `${name}.${zone.name}`}/${type}`;
  }

  private failing(name: string): boolean {
    return this.failure !== null && (this.failure.names.length === 0 || this.failure.names.includes(name));
  }

  private check(name: string, applied: boolean): void {
    if (!this.failing(name) || this.failure!.afterApply !== applied) return;
    const { message, transient } = this.failure!;
    if (--this.failure!.times <= 0) this.failure = null;
    throw new ZoneBackendError(message, transient);
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
    this.check(name, false);
    return this.rrsets.get(this.key(zone, name, type))?.values ?? [];
  }

  async replace(zone: ZoneRef, name: string, type: DynamicType, values: string[], ttl: number): Promise<ChangeOutcome> {
    this.calls.push(`replace ${name} ${type} ${values.join(",")}`);
    this.check(name, false);
    if (values.length === 0) return this.remove(zone, name, type);
    const k = this.key(zone, name, type);
    const old = this.rrsets.get(k);
    const same =
      old !== undefined &&
      old.ttl === ttl &&
      old.values.length === values.length &&
      values.every((v) => old.values.some((o) => (type === "TXT" ? o === v : sameAddress(o, v))));
    this.rrsets.set(k, { values: [...values], ttl });
    this.check(name, true);
    return same ? "unchanged" : "changed";
  }

  async remove(zone: ZoneRef, name: string, type: DynamicType): Promise<ChangeOutcome> {
    this.calls.push(`remove ${name} ${type}`);
    this.check(name, false);
    const existed = this.rrsets.delete(this.key(zone, name, type));
    this.check(name, true);
    return existed ? "changed" : "unchanged";
  }
}
