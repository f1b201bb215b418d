package dev.mailbridge.core.sync;

import dev.mailbridge.core.model.Mailbox;
import java.nio.file.Path;

/**
 * Where a newly arrived message goes: called inside the database transaction that also records the
 * message as received and saves the new sync state, so writing an outbox row here makes "received" and
 * "queued for delivery" one atomic step.
 */
@FunctionalInterface
public interface MessageSink {
    /**
     * @param itemId the transport's item ID (EWS ItemId)
     * @param mime the message's RFC 5322 bytes in a temporary file, deleted after the call
     * @throws Rejected the message can never be processed (it cannot be parsed): the sync then calls {@link
     *     #failed} instead and goes on; throw it before writing anything
     */
    void accept(Mailbox mailbox, String itemId, Path mime) throws Exception;

    /**
     * A new message that cannot be handed on: Exchange refuses its content for good, or {@link #accept}
     * rejected it. Called in the same transaction; the message is then recorded as received, so it is not
     * tried again. The default refuses, which fails the pass (and the next, until the sink handles it).
     *
     * @param folder the key of the folder it arrived in (its EWS folder id, or {@code inbox})
     * @param code Exchange's response code, or null when the sink rejected it
     * @param reason what is wrong, in plain words
     */
    default void failed(Mailbox mailbox, String itemId, String folder, String code, String reason) throws Exception {
        throw new IllegalStateException("message " + itemId + " cannot be processed: " + reason);
    }

    /** A message that can never be processed; its message says why. */
    final class Rejected extends Exception {
        public Rejected(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
