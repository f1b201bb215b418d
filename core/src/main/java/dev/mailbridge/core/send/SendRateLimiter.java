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
 * A sliding window per mailbox: at most {@code limit} units (sends, or recipients) whose send started within
 * the last {@code window}. In memory, per process: a restart forgets the window (Exchange still enforces its
 * own limit).
 */
public final class SendRateLimiter {
    private record Entry(Instant at, int weight) {}

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final String unit;
    private final Map<UUID, Deque<Entry>> sends = new ConcurrentHashMap<>();

    public SendRateLimiter(int limit, Duration window, Clock clock) {
        this(limit, window, clock, "messages");
    }

    /** @param unit what is counted, for the refusal's message ("messages", "recipients") */
    public SendRateLimiter(int limit, Duration window, Clock clock, String unit) {
        this.unit = unit;
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
        return acquire(mailboxId, 1);
    }

    /**
     * Takes {@code weight} units for the mailbox (a message's recipients), or refuses with when to retry. A
     * weight above the whole limit is refused for good (retrying does not help): an IllegalArgumentException.
     */
    public Instant acquire(UUID mailboxId, int weight) {
        if (weight > limit) {
            throw new IllegalArgumentException(
                    "one message cannot have more than " + limit + " " + unit + " (it has " + weight + ")");
        }
        Deque<Entry> q = sends.computeIfAbsent(mailboxId, k -> new ArrayDeque<>());
        synchronized (q) {
            Instant now = clock.instant();
            int used = 0;
            while (!q.isEmpty() && !q.peekFirst().at().plus(window).isAfter(now)) {
                q.pollFirst();
            }
            for (Entry e : q) {
                used += e.weight();
            }
            if (used + weight > limit) {
                // the earliest time enough of the window has passed for this weight to fit
                int free = limit - used;
                Instant retryAt = now;
                for (Entry e : q) {
                    free += e.weight();
                    retryAt = e.at().plus(window);
                    if (free >= weight) {
                        break;
                    }
                }
                throw new RateLimitedException(mailboxId, limit, unit, window, retryAt, Duration.between(now, retryAt));
            }
            q.addLast(new Entry(now, weight));
            return now;
        }
    }

    /** Gives back what {@link #acquire} took for a send that did not go out. */
    public void release(UUID mailboxId, Instant slot) {
        Deque<Entry> q = sends.get(mailboxId);
        if (q != null) {
            synchronized (q) {
                var it = q.descendingIterator();
                while (it.hasNext()) {
                    if (it.next().at().equals(slot)) {
                        it.remove();
                        return;
                    }
                }
            }
        }
    }
}
