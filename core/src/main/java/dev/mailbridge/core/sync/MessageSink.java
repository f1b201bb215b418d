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
     */
    void accept(Mailbox mailbox, String itemId, Path mime) throws Exception;
}
