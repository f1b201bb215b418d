-- After delivery: what happens to the original item once its message.received event is delivered to
-- every target (or dead at one of them). Portable SQL for H2 and PostgreSQL, like V1-V4.

-- The action per mailbox: NONE (default), MARK_READ, MOVE_TO_PROCESSED, DELETE (to Deleted Items).
ALTER TABLE mailbox_receive ADD COLUMN after_delivery VARCHAR(32) DEFAULT 'NONE' NOT NULL;

-- One row per message queued for delivery, written in the sync's transaction next to its outbox rows:
-- the original's EWS item id (the outbox payload is opaque to the outbox and may be pruned), and the
-- outcome of the action once taken. state: PENDING (waiting for delivery, or retrying a transient EWS
-- failure), DONE (applied, or nothing to do), FAILED (Exchange refused; code and message kept).
-- action: what was (or was to be) done: NONE, MARK_READ, MOVE_TO_PROCESSED, DELETE, MOVE_TO_FAILED, LEFT.
CREATE TABLE after_delivery (
    mailbox_id UUID NOT NULL REFERENCES mailbox (id) ON DELETE CASCADE,
    idempotency_key VARCHAR(255) NOT NULL,
    item_id VARCHAR(1000) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    state VARCHAR(16) NOT NULL,
    action VARCHAR(32),
    attempts INTEGER NOT NULL,
    last_code VARCHAR(200),
    last_error VARCHAR(2000),
    done_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (mailbox_id, idempotency_key)
);
CREATE INDEX after_delivery_pending ON after_delivery (mailbox_id, state, created_at);
-- The pass looks up a message's outbox rows by their idempotency key.
CREATE INDEX outbox_idempotency_key ON outbox (idempotency_key);
