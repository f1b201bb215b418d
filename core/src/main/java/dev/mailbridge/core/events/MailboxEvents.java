package dev.mailbridge.core.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.core.connect.TokenKeeper;
import dev.mailbridge.core.deliver.EventType;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.deliver.OutboxEvent;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.store.Stores;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Tells the application when a mailbox's sign-in needs attention: {@code mailbox.auth_expiring} when it
 * is flagged Expiring, {@code mailbox.auth_failed} when a refresh fails (Re-authorization required,
 * Revoked, Failing). One event per change of status: the idempotency key is the mailbox, the status and
 * the time the status began, so a failure repeated by every sweep is not announced again.
 */
public final class MailboxEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Stores stores;
    private final Outbox outbox;

    private MailboxEvents(Stores stores, Outbox outbox) {
        this.stores = stores;
        this.outbox = outbox;
    }

    /** Starts announcing the token keeper's status changes through the outbox. */
    public static MailboxEvents attach(TokenKeeper tokens, Stores stores, Outbox outbox) {
        MailboxEvents events = new MailboxEvents(stores, outbox);
        tokens.onStatusChange(events::announce);
        return events;
    }

    /**
     * Receiving from the mailbox failed ({@code mailbox.connection_failed}). Announced once per run of
     * failures: the key holds the last successful sync, so the next failure after a success is new.
     */
    public void connectionFailed(UUID mailboxId, String error, Optional<Instant> lastGoodSync) {
        Mailbox m = stores.mailboxes().get(mailboxId).orElse(null);
        if (m == null) {
            return;
        }
        ObjectNode data = JSON.createObjectNode();
        data.put("mailboxId", m.id().toString());
        data.put("address", m.address());
        data.put("connectionId", m.connectionId().toString());
        data.put("error", error);
        data.put("lastSuccessfulSync", lastGoodSync.map(Instant::toString).orElse(null));
        data.put("advice", "Run Test Connection on the mailbox to see which step fails and what to fix.");
        EventType type = EventType.MAILBOX_CONNECTION_FAILED;
        outbox.enqueueToAll(OutboxEvent.of(
                type,
                OutboxEvent.keyOf(
                        type.wireName(),
                        m.id().toString(),
                        lastGoodSync.map(Instant::toString).orElse("never")),
                m.id(),
                data.toString()));
    }

    void announce(TokenKeeper.StatusChange change) {
        Mailbox m = stores.mailboxes().get(change.mailboxId()).orElse(null);
        if (m == null) {
            return;
        }
        EventType type = change.status() == MailboxStatus.EXPIRING
                ? EventType.MAILBOX_AUTH_EXPIRING
                : EventType.MAILBOX_AUTH_FAILED;
        ObjectNode data = JSON.createObjectNode();
        data.put("mailboxId", m.id().toString());
        data.put("address", m.address());
        data.put("connectionId", m.connectionId().toString());
        data.put("status", change.status().name());
        data.put("statusLabel", change.status().label());
        data.put("code", change.code().orElse(null));
        data.put("message", change.message());
        data.put("since", m.statusSince().toString());
        data.put("advice", change.status().advice());
        outbox.enqueueToAll(OutboxEvent.of(
                type,
                OutboxEvent.keyOf(
                        type.wireName(),
                        m.id().toString(),
                        change.status().name(),
                        m.statusSince().toString()),
                m.id(),
                data.toString()));
    }
}
