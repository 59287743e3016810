// The configuration-help tabs (spec §5.2) as disclosure sections: each opens with Enter/Space, works
// without JavaScript, and its blocks have copy buttons.
import { Html } from "@elysiajs/html";
import type { WebContext } from "../context.ts";
import { Copyable } from "../ui.tsx";
import { helpTabs, serviceNames } from "./snippets.ts";

export { helpTabs, serviceNames, type HelpTab, type HelpInput, type ServiceNames } from "./snippets.ts";

export function namesFor(c: WebContext) {
  const s = c.web.config.server;
  return serviceNames(s.public_url, s.ipv4_url, s.ipv6_url, c.origin());
}

export function HelpTabs({ c, fqdn, secret }: { c: WebContext; fqdn: string; secret: string }): JSX.Element {
  const tabs = helpTabs(c.t, { fqdn, secret, names: namesFor(c) });
  return (
    <section class="help" aria-labelledby="h-help">
      <h2 id="h-help" safe>{c.t("Configure your router or client")}</h2>
      {tabs.map((tab, i) => (
        <details class="tab" id={`help-${tab.id}`} open={i === 0}>
          <summary safe>{tab.title}</summary>
          {tab.steps.map((s) => (
            <p safe>{s}</p>
          ))}
          {tab.blocks.map((b, j) => (
            <Copyable c={c} id={`snippet-${tab.id}-${j}`} label={b.label} text={b.text} />
          ))}
        </details>
      ))}
    </section>
  );
}
