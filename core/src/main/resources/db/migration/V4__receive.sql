-- Receiving: whether the server polls a mailbox for new mail, and whether its first pass skips what is
-- already there ("start from now"). Portable SQL for H2 and PostgreSQL, like V1-V3.

CREATE TABLE mailbox_receive (
    mailbox_id UUID PRIMARY KEY REFERENCES mailbox (id) ON DELETE CASCADE,
    enabled BOOLEAN NOT NULL,
    start_from_now BOOLEAN NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
