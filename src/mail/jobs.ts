// The texts of the mails the maintenance jobs send (spec §6): abuse flag, domain unreachable, secondaries
// behind, stale host, stale account. Plain text, every sentence through the recipient's translation function.
import type { OutgoingMail } from "./smtp.ts";
import type { MailContext } from "./templates.ts";

const named = (c: MailContext, what: string, comment: string) => (comment ? c.t("{what} (your comment: {comment})", { what, comment }) : what);

/** `faults --flag-abuse N --notify-user` (spec §6.1). */
export function abuseMail(c: MailContext, to: string, h: { username: string; fqdn: string; comment: string; faults: number }): OutgoingMail {
  return {
    to,
    subject: c.t("Issue with your host {fqdn}", { fqdn: h.fqdn }),
    text: [
      c.t("Hello {username},", { username: h.username }),
      "",
      c.t("we set the abuse flag on your host {host} at {site}.", { host: named(c, h.fqdn, h.comment), site: c.site }),
      c.t("This usually means its update client sends far too many updates that do not change the address."),
      "",
      c.t("Faulty updates since the last check: {faults}", { faults: h.faults }),
      "",
      c.t("We reset the counter, but updates of this host are refused as long as the abuse flag is set."),
      c.t("Please fix or replace the update client first, then clear the abuse flag on the host's page."),
      "",
      c.t("Sending updates without an address change again and again is abuse under the dyndns2 protocol."),
      c.t("A well-behaved dyndns2 client, for example ddclient or inadyn, only sends an update when the address changed."),
    ].join("\n"),
  };
}

/** `domains --check --notify-user` when the zone's nameserver failed (spec §6.2). */
export function domainUnavailableMail(c: MailContext, to: string, d: { username: string; domain: string; comment: string; problem: string }): OutgoingMail {
  return {
    to,
    subject: c.t("Issue with your domain {domain}", { domain: d.domain }),
    text: [
      c.t("Hello {username},", { username: d.username }),
      "",
      c.t("the nameserver of your domain {domain} at {site} could not be reached or did not answer for the zone.", { domain: named(c, d.domain, d.comment), site: c.site }),
      c.t("What we saw: {problem}", { problem: d.problem }),
      "",
      c.t("We set the domain to unavailable and not public: updates of its hosts are refused until it is fixed."),
      "",
      c.t("To fix it:"),
      c.t("- make sure the nameserver answers for the zone and can be reached from {site};", { site: c.site }),
      c.t("- make sure it accepts dynamic updates signed with the same key as configured here;"),
      c.t("- then set the domain to available again (and public, if you want others to use it)."),
      "",
      c.t("If you do not need the domain any more, delete it; this deletes its hosts too."),
    ].join("\n"),
  };
}

/** `domains --check --notify-user`, embedded zone: a secondary is unreachable or serves an old serial. */
export function secondariesBehindMail(c: MailContext, to: string, d: { username: string; domain: string; comment: string; problems: string[] }): OutgoingMail {
  return {
    to,
    subject: c.t("Issue with the secondaries of your domain {domain}", { domain: d.domain }),
    text: [
      c.t("Hello {username},", { username: d.username }),
      "",
      c.t("not every secondary of your domain {domain} at {site} serves the current zone:", { domain: named(c, d.domain, d.comment), site: c.site }),
      "",
      ...d.problems.map((p) => `- ${p}`),
      "",
      c.t("Resolvers that ask such a secondary get old or no answers. The domain stays available."),
      c.t("Check that the secondary runs, can reach us for zone transfers (with the transfer key) and accepts our NOTIFY messages."),
    ].join("\n"),
  };
}

export type StaleHostStage = "fix" | "unavailable" | "deleted";

/** `hosts --stale-check --notify-user` (spec §6.3). `issue` is the log line of the event. */
export function staleHostMail(c: MailContext, to: string, h: { username: string; fqdn: string; comment: string; issue: string; stage: StaleHostStage }): OutgoingMail {
  const intro = [c.t("Hello {username},", { username: h.username }), "", c.t("your host {host} at {site}:", { host: named(c, h.fqdn, h.comment), site: c.site }), "", h.issue, ""];
  const text =
    h.stage === "deleted"
      ? [
          ...intro,
          c.t("We sent you notices about this host and it still got no address update, so we deleted it."),
          c.t("If you still need it, you can create it again."),
        ]
      : [
          ...intro,
          c.t("The host has not received an address update for a long time. Common reasons:"),
          c.t("- it is not used any more;"),
          c.t("- its address is static, so the update client never sends anything;"),
          c.t("- the update client has wrong credentials or does not work."),
          "",
          h.stage === "unavailable"
            ? c.t("We made the host unavailable: its name does not resolve any more. If nothing changes, it will be deleted after further notices.")
            : c.t("You will get further reminders; after that the host will be made unavailable and later deleted."),
          "",
          c.t("To keep the host: make it available again if needed and send an update (an update with the same address is fine here)."),
          c.t("If you do not need it any more, please delete it."),
          c.t("Tip: let your update client send one update every month even when the address did not change."),
        ];
  return { to, subject: c.t("Issue with your host {fqdn}", { fqdn: h.fqdn }), text: text.join("\n") };
}

/** `users --stale-check`: the notice before an unused account is removed. */
export function staleAccountMail(c: MailContext, to: string, u: { username: string; lastUsed: string; days: number; loginUrl: string }): OutgoingMail {
  return {
    to,
    subject: c.t("Your unused account at {site}", { site: c.site }),
    text: [
      c.t("Hello {username},", { username: u.username }),
      "",
      c.t("your account at {site} has no hosts and no domains and was last used on {date}.", { site: c.site, date: u.lastUsed }),
      c.tn(u.days, { one: "We will delete it in {n} day. To keep it, just sign in before then:", other: "We will delete it in {n} days. To keep it, just sign in before then:" }),
      "",
      u.loginUrl,
      "",
      c.t("If you do not need it any more, there is nothing to do."),
    ].join("\n"),
  };
}
