package dev.mailbridge.core.deliver;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * What the UI shows per mailbox about delivery, over the outbox rows still kept (see
 * {@link Outbox#purgeDelivered}).
 *
 * @param pending waiting or in flight, including retries
 * @param failing pending rows whose last attempt failed (being retried)
 * @param delivered acknowledged by their target
 * @param dead in the dead-letter list
 */
public record MailboxCounters(
        UUID mailboxId, long pending, long failing, long delivered, long dead, Optional<Instant> lastDeliveredAt) {
    public static MailboxCounters empty(UUID mailboxId) {
        return new MailboxCounters(mailboxId, 0, 0, 0, 0, Optional.empty());
    }
}
