// The targets table of one bench run as data, and the spread of each target over several runs (the README
// shows the latest run and the spread of at least three).

/** One target of one run: the line of its table, and the figure the spread over several runs is taken of. */
export interface Target {
  figure: string;
  shown: string;
  target: string;
  /** undefined: this run cannot tell (a smaller run than the target's size). */
  met: boolean | undefined;
  value: number;
  unit: "×" | "/s" | " ms" | " s" | " MiB";
}

export interface RunResult {
  text: string;
  targets: Target[];
  failures: string[];
}

const f0 = (n: number) => Math.round(n).toLocaleString("en-US");
/** A markdown table. */
export const table = (head: string[], rows: string[][]) => [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

/** Each target's lowest and highest figure over the runs, and in how many runs it was met. */
export function spread(results: RunResult[]): string {
  // A figure whose name carries a measured value (the half rate's q/s) is the same target in every run.
  const key = (figure: string) => figure.replace(/ \([\d,]+ q\/s\)/, "");
  const byFigure = new Map<string, { target: string; unit: Target["unit"]; values: number[]; met: number; judged: number }>();
  for (const r of results)
    for (const t of r.targets) {
      const k = key(t.figure);
      const e = byFigure.get(k) ?? { target: t.target, unit: t.unit, values: [], met: 0, judged: 0 };
      if (Number.isFinite(t.value)) e.values.push(t.value);
      if (t.met !== undefined) {
        e.judged++;
        if (t.met) e.met++;
      }
      byFigure.set(k, e);
    }
  const fmt = (n: number, unit: Target["unit"]) => (unit === "×" ? `${n.toFixed(2)}×` : unit === " s" ? `${n.toFixed(2)} s` : unit === " ms" ? `${n.toFixed(1)} ms` : `${f0(n)}${unit}`);
  const rows = [...byFigure].map(([figure, e]) => {
    const lo = Math.min(...e.values);
    const hi = Math.max(...e.values);
    const range = e.values.length === 0 ? "—" : lo === hi ? fmt(lo, e.unit) : `${fmt(lo, e.unit)} – ${fmt(hi, e.unit)}`;
    return [figure, range, e.target, e.judged ? `${e.met} of ${e.judged}` : "—"];
  });
  return [
    `### The spread over ${results.length} runs`,
    "",
    "Each target's lowest and highest figure over the runs above (same machine, one after another), and in how many runs it was met.",
    "",
    table(["figure", "lowest – highest", "target", "met in"], rows),
  ].join("\n");
}

