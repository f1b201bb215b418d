package dev.mailbridge.ews;

import java.util.Map;

/**
 * Sees every request the client sends, before it is sent: the operation, the HTTP headers (never the
 * Authorization header) and the SOAP envelope; and, if it asks to, every response document it parses.
 * For tests (schema validation) and diagnostics. Throwing aborts the request.
 */
@FunctionalInterface
public interface RequestObserver {
    void onRequest(String operation, Map<String, String> headers, byte[] envelope);

    /**
     * True to be shown each response too. The client then keeps a copy of every response body while it
     * parses it (MIME included), so this is for tests and diagnostics, not production.
     */
    default boolean observesResponses() {
        return false;
    }

    /** A response document the client parsed successfully (not streaming notifications), after parsing it. */
    default void onResponse(String operation, int httpStatus, byte[] envelope) {}
}
