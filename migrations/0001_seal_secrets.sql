-- From here on TSIG secrets and forwarder passwords are stored sealed under the master key (AES-256-GCM,
-- like DNSSEC private keys). SQL cannot encrypt: the data step of this migration (src/db/migrations.ts)
-- seals the values an older updns stored in clear. This row only records the format.
INSERT INTO `settings` (`key`, `value`) VALUES ('secrets_at_rest', 'aesgcm1') ON CONFLICT(`key`) DO UPDATE SET `value` = excluded.`value`;
