package dev.mailbridge.core.send;

import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.store.Jdbc;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * Per mailbox ({@code mailbox_send}): the paired outgoing mailbox that replies to (and forwards of) mail
 * received in this mailbox go out from ({@code replyFrom}). It must be another mailbox of the same
 * organisation whose sign-in works, so that a reply never leaves from a mailbox of another customer or
 * from one that cannot send.
 */
public final class SendSettings {
    private final Stores stores;
    private final Jdbc jdbc;
    private final Clock clock;

    public SendSettings(Stores stores, Clock clock) {
        this.stores = stores;
        this.jdbc = stores.database().jdbc();
        this.clock = clock;
    }

    /** The mailbox replies go out from; empty: the mailbox itself. */
    public Optional<UUID> replyFrom(UUID mailboxId) {
        return jdbc.one(
                "SELECT reply_from FROM mailbox_send WHERE mailbox_id=? AND reply_from IS NOT NULL",
                rs -> Jdbc.uuid(rs, "reply_from"),
                mailboxId);
    }

    /**
     * Pairs the mailbox with {@code replyFrom} (empty: replies go out from the mailbox itself).
     *
     * @throws ValidationException (field {@code replyFrom}) another organisation's mailbox, the mailbox
     *     itself, an unknown mailbox, or one whose sign-in does not work
     */
    public void setReplyFrom(UUID mailboxId, Optional<UUID> replyFrom) {
        Mailbox m = mailbox(mailboxId);
        if (replyFrom.isPresent()) {
            UUID otherId = replyFrom.get();
            if (otherId.equals(mailboxId)) {
                throw ValidationException.of(
                        "replyFrom", "Replies already go out from this mailbox; choose another mailbox or none.");
            }
            Mailbox other = stores.mailboxes()
                    .get(otherId)
                    .orElseThrow(() -> ValidationException.of(
                            "replyFrom", "There is no mailbox with ID " + otherId + "; list the mailboxes for IDs."));
            if (!organisation(other).equals(organisation(m))) {
                throw ValidationException.of(
                        "replyFrom",
                        other.address() + " belongs to another organisation; replies may only go out from a mailbox"
                                + " of the same organisation.");
            }
            if (other.status() != MailboxStatus.AUTHORIZED && other.status() != MailboxStatus.EXPIRING) {
                throw ValidationException.of(
                        "replyFrom",
                        other.address() + " cannot send: it is "
                                + other.status().label() + ". Authorize it (or run its Test Connection) first.");
            }
        }
        jdbc.transaction(() -> {
            if (jdbc.update(
                            "UPDATE mailbox_send SET reply_from=?, updated_at=? WHERE mailbox_id=?",
                            replyFrom,
                            clock.instant(),
                            mailboxId)
                    == 0) {
                jdbc.update(
                        "INSERT INTO mailbox_send (mailbox_id, reply_from, updated_at) VALUES (?,?,?)",
                        mailboxId,
                        replyFrom,
                        clock.instant());
            }
            return null;
        });
    }

    private Mailbox mailbox(UUID id) {
        return stores.mailboxes().get(id).orElseThrow(() -> new NotFoundException("mailbox", id));
    }

    private UUID organisation(Mailbox m) {
        return stores.connections()
                .get(m.connectionId())
                .map(Connection::organisationId)
                .orElseThrow(() -> new NotFoundException("connection", m.connectionId()));
    }
}
