-- Incremental sync: the stored SyncState per mailbox folder, and the items already handed on (so a
-- full resync after an invalid state or missed events re-delivers nothing).

CREATE TABLE mailbox_sync (
    mailbox_id UUID NOT NULL REFERENCES mailbox (id) ON DELETE CASCADE,
    folder_id VARCHAR(1000) NOT NULL,
    sync_state VARCHAR(100000),
    last_sync_at TIMESTAMP WITH TIME ZONE,
    last_error VARCHAR(4000),
    received_count BIGINT NOT NULL,
    PRIMARY KEY (mailbox_id, folder_id)
);

CREATE TABLE received_item (
    mailbox_id UUID NOT NULL REFERENCES mailbox (id) ON DELETE CASCADE,
    item_key VARCHAR(512) NOT NULL,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (mailbox_id, item_key)
);
