-- Microsoft Graph as a transport: a connection may name its Graph root (an emulator, a gateway); empty
-- means the cloud's own. Graph change-notification subscriptions are kept per mailbox so that a restart
-- renews them instead of leaving them to expire at Graph. The subscription's clientState is a secret (anyone
-- can POST to the notification URL): only its SHA-256 is kept, to check notifications against.

ALTER TABLE connection ADD COLUMN graph_url VARCHAR(2000);

CREATE TABLE graph_subscription (
    mailbox_id UUID NOT NULL REFERENCES mailbox (id) ON DELETE CASCADE,
    folder_key VARCHAR(1000) NOT NULL,
    subscription_id VARCHAR(200) NOT NULL,
    resource VARCHAR(2000) NOT NULL,
    notification_url VARCHAR(2000) NOT NULL,
    client_state_sha256 VARCHAR(64) NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (mailbox_id)
);
CREATE UNIQUE INDEX graph_subscription_id ON graph_subscription (subscription_id);
