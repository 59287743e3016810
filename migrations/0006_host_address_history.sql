CREATE TABLE `host_addresses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`host_id` integer NOT NULL,
	`type` text NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `host_addresses_host` ON `host_addresses` (`host_id`,`id`);