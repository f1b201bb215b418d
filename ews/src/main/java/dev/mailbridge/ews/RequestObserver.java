package dev.mailbridge.ews;

import java.util.Map;

/**
 * Sees every request the client sends, before it is sent: the operation, the HTTP headers (never the
 * Authorization header) and the SOAP envelope. For tests (schema validation) and diagnostics.
 * Throwing aborts the request.
 */
@FunctionalInterface
public interface RequestObserver {
    void onRequest(String operation, Map<String, String> headers, byte[] envelope);
}
