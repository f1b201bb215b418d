package dev.mailbridge.core.deliver;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with full jitter: the wait before retry {@code n} (after the {@code n}-th failed
 * attempt) is uniform in {@code [0, min(cap, base * 2^(n-1))]}. Full jitter spreads the retries of many
 * events that failed together (a receiver that was down), so they do not come back as one wave.
 */
public record Backoff(Duration base, Duration cap) {
    /** 5 seconds doubling up to 1 hour. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(5), Duration.ofHours(1));

    public Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("the back-off base must be positive and the cap at least the base");
        }
    }

    /** The ceiling of the wait after {@code failedAttempts} failures (1 or more). */
    public Duration ceiling(int failedAttempts) {
        int shift = Math.max(0, Math.min(failedAttempts - 1, 40));
        long baseMs = base.toMillis();
        long capMs = cap.toMillis();
        long ms = baseMs > (capMs >> shift) ? capMs : Math.min(capMs, baseMs << shift);
        return Duration.ofMillis(ms);
    }

    /** A random wait after {@code failedAttempts} failures. */
    public Duration delay(int failedAttempts) {
        long ceiling = ceiling(failedAttempts).toMillis();
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }
}
