package dev.mailbridge.core.sync;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks for sync passes and coalesces them: per mailbox at most one pass runs and at most one more waits,
 * however many notifications, polls or retries ask in the meantime (a burst of 50 new mails is one or two
 * passes, and the second sees whatever arrived during the first). {@code concurrency} workers (virtual
 * threads) run the passes; an urgent request (a notification: new mail is waiting) goes before the
 * routine ones (the periodic safety pass, catch-ups after a reconnect), so that thousands of routine
 * passes every poll interval do not hold up the mailbox that just got mail. Thread-safe.
 */
public final class SyncRequests implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncRequests.class);

    /** One pass for one mailbox (the sync, and whatever follows it). Failures are its own to record. */
    @FunctionalInterface
    public interface Runner {
        void run(UUID mailboxId);
    }

    private enum State {
        QUEUED_ROUTINE,
        QUEUED_URGENT,
        RUNNING,
        /** Asked for again while running: one more pass once this one ends. */
        RUNNING_AGAIN
    }

    private final Runner runner;
    // a lock rather than synchronized: workers are virtual threads, which must not pin a carrier waiting
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    // Guarded by lock. A queue may hold a stale entry (upgraded to urgent, or already run): it is skipped.
    private final ArrayDeque<UUID> urgent = new ArrayDeque<>();
    private final ArrayDeque<UUID> routine = new ArrayDeque<>();
    private final Map<UUID, State> states = new HashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mailbox-sync-timer").factory());
    private volatile boolean closed;

    /** @param concurrency mailboxes synced at the same time, at least 1 */
    public SyncRequests(Runner runner, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("sync concurrency must be at least 1: " + concurrency);
        }
        this.runner = runner;
        for (int i = 0; i < concurrency; i++) {
            workers.add(Thread.ofVirtual().name("mailbox-sync-" + i).start(this::work));
        }
    }

    /** An urgent pass for the mailbox (new mail is likely waiting): before the routine ones. Never blocks. */
    public void request(UUID mailboxId) {
        request(mailboxId, true);
    }

    /** A routine pass (the periodic safety net, a catch-up): after the urgent ones. Never blocks. */
    public void requestRoutine(UUID mailboxId) {
        request(mailboxId, false);
    }

    private void request(UUID mailboxId, boolean isUrgent) {
        if (closed) {
            return;
        }
        lock.lock();
        try {
            State s = states.get(mailboxId);
            if (s == null || (s == State.QUEUED_ROUTINE && isUrgent)) {
                states.put(mailboxId, isUrgent ? State.QUEUED_URGENT : State.QUEUED_ROUTINE);
                (isUrgent ? urgent : routine).add(mailboxId);
                queued.signal();
            } else if (s == State.RUNNING) {
                states.put(mailboxId, State.RUNNING_AGAIN);
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@link #requestRoutine} after {@code delay}. */
    public void requestLater(UUID mailboxId, Duration delay) {
        if (closed) {
            return;
        }
        try {
            timer.schedule(() -> requestRoutine(mailboxId), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Whether a pass of the mailbox runs or waits to run. */
    public boolean busy(UUID mailboxId) {
        lock.lock();
        try {
            return states.containsKey(mailboxId);
        } finally {
            lock.unlock();
        }
    }

    /** Passes waiting to run (for metrics). */
    public int waiting() {
        lock.lock();
        try {
            return (int) states.values().stream()
                    .filter(s -> s == State.QUEUED_URGENT || s == State.QUEUED_ROUTINE)
                    .count();
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (!closed) {
            UUID id;
            lock.lock();
            try {
                id = next();
                while (id == null) {
                    try {
                        queued.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (closed) {
                        return;
                    }
                    id = next();
                }
                states.put(id, State.RUNNING);
            } finally {
                lock.unlock();
            }
            try {
                runner.run(id);
            } catch (RuntimeException e) {
                LOG.warn("sync pass for mailbox {} failed: {}", id, e.getMessage());
            } finally {
                lock.lock();
                try {
                    if (states.get(id) == State.RUNNING_AGAIN) {
                        // asked for while it ran (new mail during the pass): soon, as urgent
                        states.put(id, State.QUEUED_URGENT);
                        urgent.add(id);
                    } else {
                        states.remove(id);
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** The next queued mailbox, urgent first; null when none. Caller holds the lock. */
    private UUID next() {
        UUID id;
        while ((id = urgent.poll()) != null) {
            if (states.get(id) == State.QUEUED_URGENT) {
                return id;
            }
        }
        while ((id = routine.poll()) != null) {
            if (states.get(id) == State.QUEUED_ROUTINE) {
                return id;
            }
        }
        return null;
    }

    /** Stops taking requests and interrupts the passes running; waits for them up to 10 s. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        lock.lock();
        try {
            queued.signalAll();
        } finally {
            lock.unlock();
        }
        workers.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Thread t : workers) {
            try {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
