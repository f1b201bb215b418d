-- Per-mailbox rules, the MIME of kept messages, and per-mailbox send settings. Portable SQL for H2 and
-- PostgreSQL, like V1-V6.

-- A mailbox's rules (core/rules Rule), in the order they were given (position); rule_order is the rule's
-- own order (tried ascending, ties by position). No rows: the empty rule set (loop protection only).
-- ignored_senders and accepted_domains are JSON arrays of strings.
CREATE TABLE mailbox_rule (
    mailbox_id UUID NOT NULL REFERENCES mailbox (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name VARCHAR(200) NOT NULL,
    rule_order INTEGER NOT NULL,
    sender_pattern VARCHAR(2000),
    recipient_pattern VARCHAR(2000),
    subject_pattern VARCHAR(2000),
    header_name VARCHAR(200),
    header_pattern VARCHAR(2000),
    ignored_senders TEXT NOT NULL,
    accepted_domains TEXT NOT NULL,
    allow_automatic BOOLEAN NOT NULL,
    skip_own_mail BOOLEAN NOT NULL,
    label VARCHAR(200),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (mailbox_id, position)
);

-- The message as received (RFC 5322), kept as long as its row: attachment content through the API and
-- forwarding a received message read it, so neither depends on the original still being in Exchange
-- (the after-delivery action may have moved or deleted it). BYTEA is VARBINARY in H2.
ALTER TABLE received_message ADD COLUMN mime BYTEA;

-- Per mailbox: which mailbox replies to mail received here go out from (the paired outgoing mailbox).
CREATE TABLE mailbox_send (
    mailbox_id UUID NOT NULL PRIMARY KEY REFERENCES mailbox (id) ON DELETE CASCADE,
    reply_from UUID REFERENCES mailbox (id) ON DELETE SET NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
