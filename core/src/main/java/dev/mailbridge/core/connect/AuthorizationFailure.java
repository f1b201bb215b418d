package dev.mailbridge.core.connect;

import java.util.Optional;
import java.util.UUID;

/**
 * Authorizing a mailbox failed. {@link #getMessage()} says what happened in plain words, {@link #fix()}
 * what to do; {@link #field()} names the connection field to change when the failure points at one
 * (a wrong client secret: {@code clientSecret}), so a form can show it there.
 */
public final class AuthorizationFailure extends RuntimeException {
    private final String fix;
    private final Optional<String> code;
    private final Optional<String> field;
    private final Optional<String> traceId;
    private final Optional<String> correlationId;
    private final Optional<UUID> mailboxId;

    public AuthorizationFailure(
            String message,
            String fix,
            Optional<String> code,
            Optional<String> field,
            Optional<String> traceId,
            Optional<String> correlationId,
            Optional<UUID> mailboxId) {
        super(message);
        this.fix = fix;
        this.code = code;
        this.field = field;
        this.traceId = traceId;
        this.correlationId = correlationId;
        this.mailboxId = mailboxId;
    }

    static AuthorizationFailure plain(String message, String fix, Optional<UUID> mailboxId) {
        return new AuthorizationFailure(
                message, fix, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), mailboxId);
    }

    public String fix() {
        return fix;
    }

    /** {@code AADSTS7000215} and the like, when Entra gave one. */
    public Optional<String> code() {
        return code;
    }

    public Optional<String> field() {
        return field;
    }

    public Optional<String> traceId() {
        return traceId;
    }

    public Optional<String> correlationId() {
        return correlationId;
    }

    public Optional<UUID> mailboxId() {
        return mailboxId;
    }
}
