package dev.mailbridge.core.sync;

import dev.mailbridge.core.store.Jdbc;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The Graph change-notification subscription of each watched Graph mailbox ({@code graph_subscription}),
 * kept so that a restart renews it instead of leaving it to expire at Graph. The clientState itself is
 * never stored: only its SHA-256.
 */
final class GraphSubscriptionStore {
    private final Jdbc jdbc;
    private final Clock clock;

    GraphSubscriptionStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    record Row(
            UUID mailboxId,
            String folderKey,
            String subscriptionId,
            String resource,
            String notificationUrl,
            String clientStateSha256,
            Instant expiresAt) {}

    Optional<Row> get(UUID mailboxId) {
        return jdbc.one(
                "SELECT folder_key, subscription_id, resource, notification_url, client_state_sha256, expires_at "
                        + "FROM graph_subscription WHERE mailbox_id=?",
                rs -> new Row(
                        mailboxId,
                        rs.getString("folder_key"),
                        rs.getString("subscription_id"),
                        rs.getString("resource"),
                        rs.getString("notification_url"),
                        rs.getString("client_state_sha256"),
                        Jdbc.instant(rs, "expires_at")),
                mailboxId);
    }

    /** Replaces the mailbox's subscription (a new one) or updates it (renewed: same id, new expiry). */
    void save(Row r) {
        jdbc.transaction(() -> {
            jdbc.update("DELETE FROM graph_subscription WHERE mailbox_id=?", r.mailboxId());
            jdbc.update(
                    "INSERT INTO graph_subscription (mailbox_id, folder_key, subscription_id, resource, "
                            + "notification_url, client_state_sha256, expires_at, created_at) VALUES (?,?,?,?,?,?,?,?)",
                    r.mailboxId(),
                    r.folderKey(),
                    r.subscriptionId(),
                    r.resource(),
                    r.notificationUrl(),
                    r.clientStateSha256(),
                    r.expiresAt(),
                    clock.instant());
            return null;
        });
    }

    void renewed(UUID mailboxId, String subscriptionId, Instant expiresAt) {
        jdbc.update(
                "UPDATE graph_subscription SET expires_at=? WHERE mailbox_id=? AND subscription_id=?",
                expiresAt,
                mailboxId,
                subscriptionId);
    }

    void delete(UUID mailboxId) {
        jdbc.update("DELETE FROM graph_subscription WHERE mailbox_id=?", mailboxId);
    }
}
