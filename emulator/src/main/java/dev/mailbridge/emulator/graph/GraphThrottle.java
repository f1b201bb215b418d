package dev.mailbridge.emulator.graph;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Graph's Outlook limits and the faults tests inject: at most {@code mailboxConcurrency} (4, as
 * Exchange Online) requests in flight per app and mailbox, over which Graph answers 429
 * {@code ApplicationThrottled} with Retry-After; forced 429s for a mailbox; a delay on every answer.
 */
public final class GraphThrottle {
    /** Exchange Online's MailboxConcurrency limit for Graph: 4 concurrent requests per app and mailbox. */
    public static final int MAILBOX_CONCURRENCY = 4;

    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, int[]> forced = new ConcurrentHashMap<>();
    private final AtomicInteger concurrency = new AtomicInteger(MAILBOX_CONCURRENCY);
    private final AtomicLong delayMillis = new AtomicLong();

    /** The next {@code count} requests for this mailbox get 429 with {@code Retry-After: retryAfterSeconds}. */
    public void throttle(String mailbox, int count, int retryAfterSeconds) {
        forced.put(mailbox.toLowerCase(Locale.ROOT), new int[] {count, retryAfterSeconds});
    }

    /** Every Graph request waits this long before it is answered, holding its concurrency slot (0 = off). */
    public void delay(long milliseconds) {
        delayMillis.set(milliseconds);
    }

    /** Changes the per-mailbox concurrency limit (null = back to 4). */
    public void concurrency(Integer limit) {
        concurrency.set(limit == null ? MAILBOX_CONCURRENCY : limit);
    }

    public void reset() {
        forced.clear();
        delayMillis.set(0);
        concurrency.set(MAILBOX_CONCURRENCY);
    }

    /** A slot for one request; close it when the answer is ready. */
    AutoCloseable enter(String appId, String mailbox) throws GraphError {
        String mb = mailbox.toLowerCase(Locale.ROOT);
        int[] f = forced.get(mb);
        if (f != null) {
            synchronized (f) {
                if (f[0] > 0) {
                    f[0]--;
                    throw new GraphError(
                                    429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
                            .header("Retry-After", Integer.toString(f[1]));
                }
            }
        }
        AtomicInteger counter = inFlight.computeIfAbsent(appId + "|" + mb, k -> new AtomicInteger());
        if (counter.incrementAndGet() > concurrency.get()) {
            counter.decrementAndGet();
            throw new GraphError(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
                    .header("Retry-After", "1");
        }
        long delay = delayMillis.get();
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return counter::decrementAndGet;
    }
}
