package dev.mailbridge.core.sync;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks for sync passes and coalesces them: per mailbox at most one pass runs and at most one more is
 * pending, however many notifications, polls or retries ask in the meantime (a burst of 50 new mails is
 * one or two passes, and the second sees whatever arrived during the first). At most {@code concurrency}
 * mailboxes sync at once. Passes run on virtual threads, so thousands of waiting mailboxes cost no
 * platform threads. Thread-safe.
 */
public final class SyncRequests implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncRequests.class);

    /** One pass for one mailbox (the sync, and whatever follows it). Failures are its own to record. */
    @FunctionalInterface
    public interface Runner {
        void run(UUID mailboxId);
    }

    private enum Slot {
        RUNNING,
        PENDING
    }

    private final Runner runner;
    private final Semaphore permits;
    private final Map<UUID, Slot> slots = new ConcurrentHashMap<>();
    private final ExecutorService passes = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("mailbox-sync-", 0).factory());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mailbox-sync-timer").factory());
    private volatile boolean closed;

    /** @param concurrency mailboxes synced at the same time, at least 1 */
    public SyncRequests(Runner runner, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("sync concurrency must be at least 1: " + concurrency);
        }
        this.runner = runner;
        this.permits = new Semaphore(concurrency, true);
    }

    /** A pass for the mailbox soon: now if none runs, else once the running one has ended. Never blocks. */
    public void request(UUID mailboxId) {
        if (closed) {
            return;
        }
        boolean[] start = {false};
        slots.compute(mailboxId, (id, slot) -> {
            if (slot == null) {
                start[0] = true;
                return Slot.RUNNING;
            }
            return Slot.PENDING;
        });
        if (start[0]) {
            try {
                passes.execute(() -> drain(mailboxId));
            } catch (RejectedExecutionException e) {
                slots.remove(mailboxId); // closing
            }
        }
    }

    /** {@link #request} after {@code delay}. */
    public void requestLater(UUID mailboxId, Duration delay) {
        if (closed) {
            return;
        }
        try {
            timer.schedule(() -> request(mailboxId), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Whether a pass of the mailbox runs or waits to run. */
    public boolean busy(UUID mailboxId) {
        return slots.containsKey(mailboxId);
    }

    private void drain(UUID mailboxId) {
        while (!closed) {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                slots.remove(mailboxId);
                return;
            }
            try {
                if (closed) {
                    break;
                }
                runner.run(mailboxId);
            } catch (RuntimeException e) {
                LOG.warn("sync pass for mailbox {} failed: {}", mailboxId, e.getMessage());
            } finally {
                permits.release();
            }
            // another request came in while this pass ran: one more pass covers all of them
            if (slots.compute(mailboxId, (id, slot) -> slot == Slot.PENDING ? Slot.RUNNING : null) == null) {
                return;
            }
        }
        slots.remove(mailboxId);
    }

    /** Stops taking requests and interrupts the passes running; waits for them up to 10 s. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        passes.shutdownNow();
        try {
            passes.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
