package dev.mailbridge.core.deliver;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One outbox row: an event for one target and where its delivery stands. A claimed entry carries the
 * {@link #leaseOwner()} token that {@link Outbox#markFailed} checks.
 */
public record OutboxEntry(
        long id,
        String idempotencyKey,
        EventType eventType,
        Optional<UUID> mailboxId,
        UUID targetId,
        String payload,
        Instant createdAt,
        Instant nextAttemptAt,
        int attempts,
        OutboxState state,
        Optional<String> lastError,
        Optional<Integer> lastStatus,
        Optional<Instant> deliveredAt,
        Optional<Instant> leasedUntil,
        Optional<String> leaseOwner) {

    @Override
    public String toString() {
        // the payload is message content: keep it out of logs
        return "OutboxEntry[id=" + id + ", key=" + idempotencyKey + ", type=" + eventType + ", target=" + targetId
                + ", attempts=" + attempts + ", state=" + state + "]";
    }
}
