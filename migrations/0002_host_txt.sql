-- A host's `_acme-challenge` TXT values with their expiry: dyndns2 txt= keeps several (acme_dns.max_txt),
-- so a name and its wildcard can be validated in one ACME run.
CREATE TABLE `host_txt` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`host_id` integer NOT NULL,
	`value` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `host_txt_host` ON `host_txt` (`host_id`);--> statement-breakpoint
CREATE INDEX `host_txt_expiry` ON `host_txt` (`expires_at`);