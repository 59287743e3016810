CREATE TABLE `acme_dns_accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`key_hash` text NOT NULL,
	`subdomain` text NOT NULL,
	`allowfrom` text DEFAULT '[]' NOT NULL,
	`owner_id` integer,
	`last_used_at` integer,
	`last_used_from` text DEFAULT '' NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `acme_dns_accounts_username_unique` ON `acme_dns_accounts` (`username`);--> statement-breakpoint
CREATE UNIQUE INDEX `acme_dns_accounts_subdomain_unique` ON `acme_dns_accounts` (`subdomain`);--> statement-breakpoint
CREATE TABLE `acme_dns_txt` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`value` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `acme_dns_accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `acme_dns_txt_account` ON `acme_dns_txt` (`account_id`);--> statement-breakpoint
CREATE INDEX `acme_dns_txt_expiry` ON `acme_dns_txt` (`expires_at`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`token_hash` text NOT NULL,
	`scopes` text DEFAULT '{}' NOT NULL,
	`expires_at` integer,
	`last_used_at` integer,
	`last_used_from` text DEFAULT '' NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `blacklisted_hosts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name_re` text NOT NULL,
	`created_by_id` integer,
	`last_update` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blacklisted_hosts_name_re_unique` ON `blacklisted_hosts` (`name_re`);--> statement-breakpoint
CREATE TABLE `dnssec_keys` (
	`domain_id` integer NOT NULL,
	`key_id` text NOT NULL,
	`role` text NOT NULL,
	`algorithm` integer NOT NULL,
	`flags` integer NOT NULL,
	`key_tag` integer NOT NULL,
	`public_key` text NOT NULL,
	`secret` text NOT NULL,
	`state` text NOT NULL,
	`since` integer NOT NULL,
	`created` integer NOT NULL,
	FOREIGN KEY (`domain_id`) REFERENCES `domains`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dnssec_keys_domain_key` ON `dnssec_keys` (`domain_id`,`key_id`);--> statement-breakpoint
CREATE TABLE `domains` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`backend` text DEFAULT 'rfc2136' NOT NULL,
	`owner_id` integer,
	`public` integer DEFAULT false NOT NULL,
	`available` integer DEFAULT true NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`primary` text DEFAULT '' NOT NULL,
	`query_server` text DEFAULT '' NOT NULL,
	`update_key_name` text DEFAULT '' NOT NULL,
	`update_key_algorithm` text DEFAULT 'hmac-sha512' NOT NULL,
	`update_key_secret` text DEFAULT '' NOT NULL,
	`serial` integer DEFAULT 0 NOT NULL,
	`serial_scheme` text DEFAULT 'unixtime' NOT NULL,
	`transfer_key_id` integer,
	`transfer_acl` text DEFAULT '' NOT NULL,
	`ttl_min` integer DEFAULT 30 NOT NULL,
	`ttl_max` integer DEFAULT 86400 NOT NULL,
	`dnssec` integer DEFAULT false NOT NULL,
	`last_check_at` integer,
	`last_check_result` text DEFAULT '' NOT NULL,
	`last_update` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`transfer_key_id`) REFERENCES `tsig_keys`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `domains_name_unique` ON `domains` (`name`);--> statement-breakpoint
CREATE TABLE `forward_queue` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`host_config_id` integer NOT NULL,
	`address` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text DEFAULT '' NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`host_config_id`) REFERENCES `service_updater_host_configs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `forward_queue_due` ON `forward_queue` (`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `hosts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`domain_id` integer NOT NULL,
	`owner_id` integer NOT NULL,
	`update_secret` text DEFAULT '' NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`available` integer DEFAULT true NOT NULL,
	`netmask_ipv4` integer DEFAULT 32 NOT NULL,
	`netmask_ipv6` integer DEFAULT 64 NOT NULL,
	`ttl` integer DEFAULT 60 NOT NULL,
	`wildcard` integer DEFAULT false NOT NULL,
	`abuse` integer DEFAULT false NOT NULL,
	`abuse_blocked` integer DEFAULT false NOT NULL,
	`client_faults` integer DEFAULT 0 NOT NULL,
	`client_result_msg` text DEFAULT '' NOT NULL,
	`server_faults` integer DEFAULT 0 NOT NULL,
	`server_result_msg` text DEFAULT '' NOT NULL,
	`api_auth_faults` integer DEFAULT 0 NOT NULL,
	`api_auth_result_msg` text DEFAULT '' NOT NULL,
	`last_update_ipv4` integer,
	`last_update_ipv6` integer,
	`tls_update_ipv4` integer DEFAULT false NOT NULL,
	`tls_update_ipv6` integer DEFAULT false NOT NULL,
	`last_server_fault_at` integer,
	`staleness` integer DEFAULT 0 NOT NULL,
	`staleness_notification_timestamp` integer,
	`last_update` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`domain_id`) REFERENCES `domains`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `unique_host_domain` ON `hosts` (`name`,`domain_id`);--> statement-breakpoint
CREATE INDEX `hosts_owner` ON `hosts` (`owner_id`);--> statement-breakpoint
CREATE TABLE `oauth_identities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`provider` text NOT NULL,
	`subject` text NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `oauth_provider_subject` ON `oauth_identities` (`provider`,`subject`);--> statement-breakpoint
CREATE TABLE `related_hosts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`main_host_id` integer NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`interface_id_ipv4` text DEFAULT '' NOT NULL,
	`interface_id_ipv6` text DEFAULT '' NOT NULL,
	`available` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`main_host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `unique_relatedhost_name_mainhost` ON `related_hosts` (`name`,`main_host_id`);--> statement-breakpoint
CREATE TABLE `service_updater_host_configs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`service_id` integer NOT NULL,
	`host_id` integer NOT NULL,
	`hostname` text,
	`name` text NOT NULL,
	`password` text NOT NULL,
	`give_ipv4` integer DEFAULT false NOT NULL,
	`give_ipv6` integer DEFAULT false NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`last_result` text DEFAULT '' NOT NULL,
	`last_result_at` integer,
	`last_update` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`service_id`) REFERENCES `service_updaters`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `service_updaters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`server` text NOT NULL,
	`path` text DEFAULT '/nic/update' NOT NULL,
	`secure` integer DEFAULT true NOT NULL,
	`accept_ipv4` integer DEFAULT false NOT NULL,
	`accept_ipv6` integer DEFAULT false NOT NULL,
	`created_by_id` integer,
	`last_update` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer,
	`long_lived` integer DEFAULT false NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tsig_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`algorithm` text DEFAULT 'hmac-sha256' NOT NULL,
	`secret` text NOT NULL,
	`owner_id` integer,
	`comment` text DEFAULT '' NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tsig_keys_name_unique` ON `tsig_keys` (`name`);--> statement-breakpoint
CREATE TABLE `update_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key_id` integer NOT NULL,
	`domain_id` integer NOT NULL,
	`action` text DEFAULT 'grant' NOT NULL,
	`match` text DEFAULT 'subdomain' NOT NULL,
	`name` text NOT NULL,
	`types` text DEFAULT '' NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`key_id`) REFERENCES `tsig_keys`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`domain_id`) REFERENCES `domains`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `user_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_hash` text NOT NULL,
	`purpose` text NOT NULL,
	`user_id` integer,
	`email` text DEFAULT '' NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_tokens_token_hash_unique` ON `user_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`email` text DEFAULT '' NOT NULL,
	`password_hash` text DEFAULT '' NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`is_staff` integer DEFAULT false NOT NULL,
	`is_superuser` integer DEFAULT false NOT NULL,
	`email_verified` integer DEFAULT false NOT NULL,
	`language` text DEFAULT '' NOT NULL,
	`date_joined` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_login` integer,
	`staleness_notified_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `zone_journal` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`domain_id` integer NOT NULL,
	`serial_from` integer NOT NULL,
	`serial_to` integer NOT NULL,
	`removed` text NOT NULL,
	`added` text NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`domain_id`) REFERENCES `domains`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `zone_journal_domain` ON `zone_journal` (`domain_id`,`id`);--> statement-breakpoint
CREATE TABLE `zone_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`domain_id` integer NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`ttl` integer NOT NULL,
	`data` text NOT NULL,
	FOREIGN KEY (`domain_id`) REFERENCES `domains`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `zone_records_owner` ON `zone_records` (`domain_id`,`name`,`type`);--> statement-breakpoint
CREATE TABLE `zone_secondaries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`domain_id` integer NOT NULL,
	`address` text NOT NULL,
	`last_notify_at` integer,
	`last_notify_result` text DEFAULT '' NOT NULL,
	`created` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`domain_id`) REFERENCES `domains`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `zone_secondaries_unique` ON `zone_secondaries` (`domain_id`,`address`);