package dev.mailbridge.identity.failure;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sign-in or token refresh failed, explained: the category and plain-language message with the fix for an
 * admin, plus what Entra said (codes, error, suberror, description) and the IDs Microsoft support asks for
 * (trace ID, correlation ID, timestamp). Holds no token, secret, password or authorization code.
 */
public final class SignInFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final FailureCategory category;
    private final String plainMessage;
    private final String fix;
    private final transient EntraError entra;

    public SignInFailure(FailureCategory category, String plainMessage, String fix, EntraError entra, Throwable cause) {
        super(compose(category, plainMessage, fix, entra), cause);
        this.category = category;
        this.plainMessage = plainMessage;
        this.fix = fix;
        this.entra = entra;
    }

    /** A failure that never reached Entra (network, proxy, TLS, or a local check such as the state). */
    public static SignInFailure local(FailureCategory category, String plainMessage, String fix, Throwable cause) {
        return new SignInFailure(category, plainMessage, fix, EntraError.fromDescription("", "", 0), cause);
    }

    public FailureCategory category() {
        return category;
    }

    /** What happened, in plain words. */
    public String plainMessage() {
        return plainMessage;
    }

    /** What to do about it. */
    public String fix() {
        return fix;
    }

    /** The first AADSTS code, if Entra gave one. */
    public Optional<Integer> code() {
        return entra.code();
    }

    public List<Integer> codes() {
        return entra.codes();
    }

    /** The OAuth error value (invalid_grant, invalid_client, ...); empty for local failures. */
    public String error() {
        return entra.error();
    }

    public Optional<String> suberror() {
        return entra.suberror();
    }

    /** Entra's own description, verbatim. */
    public String entraDescription() {
        return entra.description();
    }

    public Optional<String> traceId() {
        return entra.traceId();
    }

    public Optional<String> correlationId() {
        return entra.correlationId();
    }

    public Optional<Instant> timestamp() {
        return entra.timestamp();
    }

    public Optional<String> errorUri() {
        return entra.errorUri();
    }

    /** The token endpoint's HTTP status, 0 when the failure did not come from it. */
    public int httpStatus() {
        return entra.httpStatus();
    }

    public boolean retryable() {
        return category.retryable();
    }

    private static String compose(FailureCategory category, String message, String fix, EntraError entra) {
        StringBuilder s = new StringBuilder(category.title()).append(": ").append(message);
        if (!fix.isBlank()) {
            s.append(" Fix: ").append(fix);
        }
        StringBuilder ids = new StringBuilder();
        entra.code().ifPresent(c -> ids.append("AADSTS").append(c));
        entra.traceId()
                .ifPresent(t -> ids.append(ids.isEmpty() ? "" : ", ")
                        .append("trace ID ")
                        .append(t));
        entra.correlationId()
                .ifPresent(c -> ids.append(ids.isEmpty() ? "" : ", ")
                        .append("correlation ID ")
                        .append(c));
        entra.timestamp().ifPresent(t -> ids.append(ids.isEmpty() ? "" : ", ").append(t));
        if (!ids.isEmpty()) {
            s.append(" (").append(ids).append(')');
        }
        return s.toString();
    }
}
