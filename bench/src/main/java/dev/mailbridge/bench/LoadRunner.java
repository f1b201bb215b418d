package dev.mailbridge.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives a scenario: one platform thread per worker, all released together, calling in a closed
 * loop (next request as soon as the previous answer is checked) through a warm-up and then a
 * measured window. Every loop is bounded by time and by {@link #MAX_CALLS_PER_WORKER}, so a run
 * always ends by itself.
 */
final class LoadRunner {
    /** Upper bound on calls per worker and phase: far above what 2 cores reach in minutes. */
    static final int MAX_CALLS_PER_WORKER = 5_000_000;

    /** Names the worker threads; {@link CpuSampler} counts threads so named as the client's. */
    static final String THREAD_PREFIX = "bench-worker-";

    private final Duration warmup;
    private final Duration duration;

    LoadRunner(Duration warmup, Duration duration) {
        this.warmup = warmup;
        this.duration = duration;
    }

    Result run(Scenario scenario) throws InterruptedException {
        List<Worker> workers = scenario.workers();
        int threads = workers.size();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong lastFinish = new AtomicLong(Long.MIN_VALUE);
        List<Latencies> recorded = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        long[] times = new long[2]; // measure start, measure end (nanoTime), set before "go"

        for (int i = 0; i < threads; i++) {
            Worker worker = workers.get(i);
            Latencies latencies = new Latencies();
            recorded.add(latencies);
            Thread thread = new Thread(
                    () -> {
                        ready.countDown();
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        long measureStart = times[0];
                        long measureEnd = times[1];
                        long finish = loop(worker, measureStart, null, errors, firstError);
                        finish = Math.max(finish, loop(worker, measureEnd, latencies, errors, firstError));
                        long f = finish;
                        lastFinish.accumulateAndGet(f, Math::max);
                    },
                    THREAD_PREFIX + i);
            thread.setDaemon(true);
            running.add(thread);
            thread.start();
        }
        ready.await();
        long now = System.nanoTime();
        times[0] = now + warmup.toNanos();
        times[1] = times[0] + duration.toNanos();
        go.countDown(); // happens-before: the workers read times[] after await()
        sleepUntil(times[0]);
        CpuSampler.Snapshot cpuStart = CpuSampler.snapshot();
        sleepUntil(times[1]);
        CpuSampler.Sample cpu = CpuSampler.snapshot().since(cpuStart);
        for (Thread thread : running) {
            thread.join(duration.plus(warmup).plusSeconds(60).toMillis());
            if (thread.isAlive()) {
                thread.interrupt();
                errors.incrementAndGet();
                firstError.compareAndSet(null, "a worker did not stop in time");
            }
        }

        long[] sorted = Latencies.merge(recorded);
        double seconds = Math.max(0, lastFinish.get() - times[0]) / 1e9;
        return new Result(
                scenario.server(),
                scenario.transport(),
                scenario.grant(),
                threads,
                sorted.length,
                seconds,
                Latencies.percentileMillis(sorted, 50),
                Latencies.percentileMillis(sorted, 90),
                Latencies.percentileMillis(sorted, 99),
                errors.get(),
                firstError.get(),
                cpu,
                duration.toNanos());
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * Calls until {@code until} (nanoTime) or the call bound; records successful latencies when
     * {@code latencies} is given. Returns the time the last call finished.
     */
    private static long loop(
            Worker worker, long until, Latencies latencies, AtomicLong errors, AtomicReference<String> firstError) {
        long finished = System.nanoTime();
        for (int n = 0; n < MAX_CALLS_PER_WORKER && finished < until; n++) {
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            long start = System.nanoTime();
            try {
                worker.call();
                finished = System.nanoTime();
                if (latencies != null) {
                    latencies.add(finished - start);
                }
            } catch (Exception e) {
                finished = System.nanoTime();
                errors.incrementAndGet();
                firstError.compareAndSet(null, describe(e));
            }
        }
        return finished;
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
