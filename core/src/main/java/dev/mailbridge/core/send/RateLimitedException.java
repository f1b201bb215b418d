package dev.mailbridge.core.send;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** A send refused because the mailbox reached its rate limit; nothing was sent. Retry at {@link #retryAt}. */
public final class RateLimitedException extends RuntimeException {
    private final UUID mailboxId;
    private final Instant retryAt;
    private final Duration retryAfter;

    public RateLimitedException(UUID mailboxId, int limit, Duration window, Instant retryAt, Duration retryAfter) {
        super("The mailbox has sent " + limit + " messages in the last " + describe(window)
                + ", its limit; nothing was sent. Retry after " + retryAt + " (in " + seconds(retryAfter)
                + " s).");
        this.mailboxId = mailboxId;
        this.retryAt = retryAt;
        this.retryAfter = retryAfter;
    }

    public UUID mailboxId() {
        return mailboxId;
    }

    /** When a slot frees up. */
    public Instant retryAt() {
        return retryAt;
    }

    /** How long until a slot frees up. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** {@link #retryAfter} in whole seconds, rounded up, at least 1 (for a {@code Retry-After} header). */
    public long retryAfterSeconds() {
        return seconds(retryAfter);
    }

    private static long seconds(Duration d) {
        long s = (d.toMillis() + 999) / 1000;
        return Math.max(1, s);
    }

    private static String describe(Duration window) {
        return window.equals(Duration.ofMinutes(1)) ? "minute" : window.toSeconds() + " seconds";
    }
}
