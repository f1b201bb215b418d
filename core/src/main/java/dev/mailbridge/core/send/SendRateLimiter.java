package dev.mailbridge.core.send;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sliding window per mailbox: at most {@code limit} sends whose start lies within the last {@code window}.
 * In memory, per process: a restart forgets the window (Exchange still enforces its own limit).
 */
public final class SendRateLimiter {
    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Map<UUID, Deque<Instant>> sends = new ConcurrentHashMap<>();

    public SendRateLimiter(int limit, Duration window, Clock clock) {
        if (limit < 1) {
            throw new IllegalArgumentException("the send limit must be at least 1");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the send window must be positive");
        }
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    public int limit() {
        return limit;
    }

    public Duration window() {
        return window;
    }

    /** Takes a slot for the mailbox, or refuses with when to retry. */
    public Instant acquire(UUID mailboxId) {
        Deque<Instant> q = sends.computeIfAbsent(mailboxId, k -> new ArrayDeque<>());
        synchronized (q) {
            Instant now = clock.instant();
            while (!q.isEmpty() && !q.peekFirst().plus(window).isAfter(now)) {
                q.pollFirst();
            }
            if (q.size() >= limit) {
                Instant retryAt = q.peekFirst().plus(window);
                throw new RateLimitedException(mailboxId, limit, window, retryAt, Duration.between(now, retryAt));
            }
            q.addLast(now);
            return now;
        }
    }

    /** Gives back a slot taken by {@link #acquire} for a send that did not go out. */
    public void release(UUID mailboxId, Instant slot) {
        Deque<Instant> q = sends.get(mailboxId);
        if (q != null) {
            synchronized (q) {
                q.removeLastOccurrence(slot);
            }
        }
    }
}
