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
        this(mailboxId, limit, "messages", window, retryAt, retryAfter);
    }

    /** @param unit what the limit counts: "messages", "recipients" */
    public RateLimitedException(
            UUID mailboxId, int limit, String unit, Duration window, Instant retryAt, Duration retryAfter) {
        super("The mailbox has sent " + ("messages".equals(unit) ? limit + " messages" : "to " + limit + " " + unit)
                + " in the last " + describe(window)
                + ", its limit; nothing was sent. Retry after " + retryAt + " (in " + seconds(retryAfter)
                + " s)."
                + ("recipients".equals(unit)
                        ? " Exchange Online blocks a mailbox that goes over 10,000 recipients a day from sending."
                        : ""));
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
        if (window.equals(Duration.ofMinutes(1))) {
            return "minute";
        }
        return window.toSeconds() % 3600 == 0 ? window.toHours() + " hours" : window.toSeconds() + " seconds";
    }
}
