package dev.mailbridge.ews;

import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;

/**
 * One EWS operation: writes its request element into the SOAP body and reads its response element.
 * Implementations live in {@code dev.mailbridge.ews.ops}, one class per operation, and are immutable
 * values: build one, hand it to {@link EwsClient#execute(EwsOperation)}.
 *
 * @param <R> the typed result
 */
public interface EwsOperation<R> {

    /** The operation name, e.g. {@code GetItem}; the request element is {@code m:GetItem}. */
    String name();

    /** Writes {@code <m:Name ...>...</m:Name>}. */
    void writeRequest(XmlOut out);

    /** The response element in the SOAP body: {@code NameResponse} for every operation a client calls. */
    default String responseElement() {
        return name() + "Response";
    }

    /**
     * Reads the response; the cursor is on the {@code m:NameResponse} start tag and must be left on its
     * end tag.
     */
    R readResponse(XmlIn in, ResponseContext context);

    /**
     * True if repeating the request after an ambiguous failure (connection reset, transient error)
     * cannot do harm. Sending mail, moving and creating are not idempotent.
     */
    default boolean idempotent() {
        return true;
    }

    /** True for notification operations that need mailbox-server affinity (Subscribe, GetEvents, GetStreamingEvents). */
    default boolean needsAffinity() {
        return false;
    }
}
