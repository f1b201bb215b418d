package dev.mailbridge.graph;

import java.util.Optional;

/**
 * A Microsoft Graph request that failed: Graph's {@code error.code} and message, the HTTP status, the
 * {@code request-id} (quote it to Microsoft support), and a plain-language explanation with what to do.
 * Never carries a token or a credential.
 */
public class GraphException extends RuntimeException {
    private final int httpStatus;
    private final String code;
    private final String graphMessage;
    private final String requestId;
    private final String fix;

    public GraphException(
            int httpStatus, String code, String graphMessage, String requestId, String plain, String fix) {
        this(httpStatus, code, graphMessage, requestId, plain, fix, null);
    }

    public GraphException(
            int httpStatus,
            String code,
            String graphMessage,
            String requestId,
            String plain,
            String fix,
            Throwable cause) {
        super(plain + (fix == null ? "" : " " + fix) + describe(httpStatus, code, requestId), cause);
        this.httpStatus = httpStatus;
        this.code = code;
        this.graphMessage = graphMessage;
        this.requestId = requestId;
        this.fix = fix;
    }

    private static String describe(int status, String code, String requestId) {
        StringBuilder b = new StringBuilder(" (");
        b.append(status == 0 ? "no HTTP answer" : "HTTP " + status);
        if (code != null) {
            b.append(", ").append(code);
        }
        if (requestId != null) {
            b.append(", request-id ").append(requestId);
        }
        return b.append(')').toString();
    }

    /** The HTTP status, 0 when no answer came (connection, TLS, timeout). */
    public int httpStatus() {
        return httpStatus;
    }

    /** Graph's {@code error.code}, e.g. {@code ErrorItemNotFound}; null when the answer had none. */
    public String code() {
        return code;
    }

    /** Graph's own {@code error.message}, as sent. */
    public String graphMessage() {
        return graphMessage;
    }

    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** What to do about it, in plain words. */
    public String fix() {
        return fix;
    }

    /**
     * Whether Graph refused this request for good, for a reason of its own (gone, malformed, a bad id or
     * folder): a 4xx other than a sign-in (401), a permission (403), a timeout (408) or throttling (429),
     * which concern every request alike.
     */
    public boolean refusedForGood() {
        return httpStatus >= 400
                && httpStatus < 500
                && httpStatus != 401
                && httpStatus != 403
                && httpStatus != 408
                && httpStatus != 429;
    }

    /** Whether the same request may succeed later (throttling, a server that was busy, the network). */
    public boolean retryable() {
        return httpStatus == 0 || httpStatus == 429 || httpStatus >= 500;
    }
}
