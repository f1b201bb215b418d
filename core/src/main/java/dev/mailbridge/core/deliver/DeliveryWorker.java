package dev.mailbridge.core.deliver;

import dev.mailbridge.identity.Secret;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox: a poller thread claims due rows (as many as there are free delivery threads) and
 * hands each to one of {@link Options#concurrency()} delivery threads, which deliver it and record the
 * outcome. Wakes at once when this process enqueues, otherwise polls every {@link Options#pollInterval()}.
 *
 * <p>{@link #close()} stops claiming, lets the deliveries in flight finish and record (up to {@link
 * Options#shutdownGrace()}), then interrupts the rest; rows it could not record stay leased and are claimed
 * again when the lease ends, so nothing is lost, and only those can arrive twice.
 */
public final class DeliveryWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

    /**
     * @param lease how long a claimed row is reserved; longer than the slowest delivery (the webhook timeout)
     * @param name the worker's name in lease owners and thread names
     */
    public record Options(
            int concurrency, int batch, Duration lease, Duration pollInterval, Duration shutdownGrace, String name) {
        public Options {
            if (concurrency < 1 || batch < 1) {
                throw new IllegalArgumentException("concurrency and batch must be at least 1");
            }
            Objects.requireNonNull(lease, "lease");
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(shutdownGrace, "shutdownGrace");
            Objects.requireNonNull(name, "name");
        }

        /** 8 threads, batches of 32, 2-minute leases, polls every 250 ms, 30 s to shut down. */
        public static Options defaults() {
            return new Options(
                    8,
                    32,
                    Duration.ofMinutes(2),
                    Duration.ofMillis(250),
                    Duration.ofSeconds(30),
                    ManagementFactory.getRuntimeMXBean().getName() + "/"
                            + UUID.randomUUID().toString().substring(0, 8));
        }

        public Options withConcurrency(int n) {
            return new Options(n, batch, lease, pollInterval, shutdownGrace, name);
        }

        public Options withLease(Duration d) {
            return new Options(concurrency, batch, d, pollInterval, shutdownGrace, name);
        }

        public Options withPollInterval(Duration d) {
            return new Options(concurrency, batch, lease, d, shutdownGrace, name);
        }

        public Options withName(String n) {
            return new Options(concurrency, batch, lease, pollInterval, shutdownGrace, n);
        }
    }

    private final Outbox outbox;
    private final DeliveryTargetStore targets;
    private final Map<TargetKind, Deliverer> deliverers = new EnumMap<>(TargetKind.class);
    private final Options options;
    private final Semaphore free;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final AtomicInteger threadNo = new AtomicInteger();
    private boolean woken;
    private volatile boolean running;
    private Thread poller;
    private ExecutorService pool;

    public DeliveryWorker(Outbox outbox, DeliveryTargetStore targets, List<Deliverer> deliverers, Options options) {
        this.outbox = outbox;
        this.targets = targets;
        for (Deliverer d : deliverers) {
            this.deliverers.put(d.kind(), d);
        }
        this.options = options;
        this.free = new Semaphore(options.concurrency());
        outbox.onEnqueue(this::wake);
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
            Thread t = new Thread(r, "mailbridge-deliver-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        poller = new Thread(this::poll, "mailbridge-deliver-poller");
        poller.setDaemon(true);
        poller.start();
    }

    /** Looks for due rows now instead of at the next poll. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void poll() {
        while (running) {
            int claimed = 0;
            int held = 0; // permits taken and not yet handed to deliveries: given back if claiming fails
            try {
                free.acquire();
                int permits = 1 + free.drainPermits();
                held = permits;
                int want = Math.min(permits, options.batch());
                List<OutboxEntry> rows = running ? outbox.claim(options.name(), want, options.lease()) : List.of();
                free.release(permits - rows.size());
                held = 0;
                claimed = rows.size();
                for (OutboxEntry row : rows) {
                    pool.execute(() -> {
                        try {
                            deliver(row);
                        } finally {
                            free.release();
                        }
                    });
                }
                if (claimed == want) {
                    continue; // there may be more: claim again as soon as threads are free
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                free.release(held);
                log.warn("claiming from the outbox failed; trying again: {}", e.getMessage());
            }
            if (claimed == 0) {
                sleep();
            }
        }
    }

    private void sleep() {
        lock.lock();
        try {
            if (!woken && running) {
                wake.await(options.pollInterval().toNanos(), TimeUnit.NANOSECONDS);
            }
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /** Delivers one claimed row and records the outcome. */
    void deliver(OutboxEntry row) {
        DeliveryResult result;
        try {
            Optional<DeliveryTarget> target = targets.get(row.targetId());
            Deliverer deliverer = target.map(t -> deliverers.get(t.kind())).orElse(null);
            if (target.isEmpty()) {
                result = new DeliveryResult.Dead("the delivery target was deleted", Optional.empty());
            } else if (deliverer == null) {
                result = new DeliveryResult.Retry(
                        "this server has no deliverer for " + target.get().kind() + " targets",
                        Optional.empty(),
                        Optional.empty());
            } else {
                Optional<Secret> secret = targets.secret(row.targetId());
                result = deliverer.deliver(row, target.get(), secret);
            }
        } catch (InterruptedException e) {
            // closing: the attempt's outcome is unknown; the lease brings the row back
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            result = new DeliveryResult.Retry(
                    "delivery failed inside Mailbridge: " + e.getMessage(), Optional.empty(), Optional.empty());
        }
        try {
            record(row, result);
        } catch (RuntimeException e) {
            log.warn(
                    "recording the delivery of outbox row {} failed; it is retried when its lease ends: {}",
                    row.id(),
                    e.getMessage());
        }
    }

    private void record(OutboxEntry row, DeliveryResult result) {
        switch (result) {
            case DeliveryResult.Delivered d -> outbox.markDelivered(row, d.status());
            case DeliveryResult.Retry r -> {
                Optional<OutboxState> state = outbox.markFailed(row, r.error(), r.status(), r.retryAfter(), false);
                if (state.equals(Optional.of(OutboxState.DEAD))) {
                    log.warn(
                            "outbox row {} ({} to target {}) is dead after {} attempts: {}",
                            row.id(),
                            row.eventType(),
                            row.targetId(),
                            row.attempts(),
                            r.error());
                } else {
                    log.debug("outbox row {} attempt {} failed: {}", row.id(), row.attempts(), r.error());
                }
            }
            case DeliveryResult.Dead d -> {
                outbox.markFailed(row, d.error(), d.status(), Optional.empty(), true);
                log.warn(
                        "outbox row {} ({} to target {}) is dead: {}",
                        row.id(),
                        row.eventType(),
                        row.targetId(),
                        d.error());
            }
        }
    }

    public boolean isRunning() {
        return running;
    }

    /** Stops claiming, waits for deliveries in flight (up to the grace), then stops; the deliverers stay open. */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        wake();
        try {
            // the poller may be waiting for a free delivery thread: it claims nothing more, so interrupt it
            poller.join(Math.min(options.shutdownGrace().toMillis(), 1000));
            if (poller.isAlive()) {
                poller.interrupt();
                poller.join(options.shutdownGrace().toMillis());
            }
            pool.shutdown();
            if (!pool.awaitTermination(options.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
