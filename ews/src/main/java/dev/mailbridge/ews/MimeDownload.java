package dev.mailbridge.ews;

import dev.mailbridge.ews.error.EwsTransportException;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.ops.GetItem;
import dev.mailbridge.ews.ops.ItemShape;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Downloads the MIME content of many items of one mailbox (an initial sync, an export) with several
 * GetItem requests in flight: the ids are cut into batches of {@link Builder#batchSize} (default
 * {@value #DEFAULT_BATCH_SIZE}), and up to {@link Builder#inFlight} (default {@value
 * #DEFAULT_IN_FLIGHT}) of them are outstanding at a time, never more than the protocol's per-mailbox
 * concurrency cap ({@code EwsProtocol.Builder.maxConcurrentRequestsPerMailbox}), which every request of
 * the mailbox shares anyway.
 *
 * <pre>{@code
 * MimeDownload download = MimeDownload.builder(ews).build();          // batches of 10, 4 in flight
 * download.run(ids, id -> Files.newOutputStream(dir.resolve(fileName(id))), (batch, outcomes) -> {
 *     for (int i = 0; i < batch.size(); i++) {
 *         Outcome<Item> o = outcomes.get(i);
 *         if (o.ok()) { markDownloaded(batch.get(i)); } else { log(batch.get(i), o.error()); }
 *     }
 * });
 * }</pre>
 *
 * <p><b>Streaming.</b> Each item's MIME is base64-decoded into the stream {@link Sink#open} returns for
 * it while the response arrives, exactly as {@link GetItem} does: nothing is held whole in memory.
 * Sinks are opened on the download's worker threads, so {@code open} and the streams of different
 * items run concurrently (up to {@code inFlight} at once); the items of one batch are opened one after
 * the other, in request order, each stream closed before the next is opened. A retried request (after
 * ErrorServerBusy, a 503, a reset: see {@link EwsClient#execute}) opens the sinks of its items again,
 * so {@code open} must start the item afresh (truncate a file, replace a record).
 *
 * <p><b>Order.</b> The {@link Handler} gets each batch's outcomes (one per id, in request order) on the
 * thread that called {@code run}, in input order, batch after batch, whatever order the responses
 * came in. When it is called for a batch, every sink of that batch is closed. Completed batches wait
 * for the handler at most {@code 4 x inFlight} deep; past that the workers wait (the handler is the
 * back-pressure).
 *
 * <p><b>Errors.</b> An item Exchange refuses (ErrorItemNotFound: deleted since it was listed, say) is
 * an error {@link Outcome} handed to the handler, not a failure of the download; {@link #run(List,
 * Sink)} without a handler throws it. Any other failure (a request that failed after its retries, a
 * sink or the handler throwing, an interrupt) is the download's: no further batch starts, the
 * requests in flight are interrupted, {@code run} waits until every worker has stopped (no sink is
 * opened or written after it returns) and throws the first failure. Batches the handler has not seen
 * may have written to their sinks.
 *
 * <p>Immutable and thread-safe; one instance can run any number of downloads.
 */
public final class MimeDownload {
    /**
     * Items per GetItem request: 10, the batch size this library recommends for GetItem (see {@link
     * GetItem}). It keeps each response, and what a retry repeats, small: a batch of large messages is
     * megabytes. Larger batches cost less per item (fewer requests; on the emulator, batches of 50 took
     * about a quarter less CPU per message) and suit mailboxes of small messages.
     */
    public static final int DEFAULT_BATCH_SIZE = 10;

    /** GetItem requests outstanding at a time, by default. */
    public static final int DEFAULT_IN_FLIGHT = 4;

    /** Largest batch accepted (Exchange refuses very large GetItem batches; 512 is far below its limits). */
    public static final int MAX_BATCH_SIZE = 512;

    /** Where one item's MIME goes. */
    @FunctionalInterface
    public interface Sink {
        /**
         * The stream for {@code id}'s MIME; closed by the download once the item is written. Called on a
         * worker thread, concurrently for items of different batches.
         */
        OutputStream open(ItemId id) throws IOException;
    }

    /** Receives each batch's outcomes on the calling thread, in input order. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param ids the batch's ids, in request order
         * @param outcomes one per id, same order: the item ({@link Item#mimeBytes()} is what its sink got)
         *     or Exchange's error for it
         */
        void batch(List<ItemId> ids, Responses<Item> outcomes);
    }

    /** What a download did: items that came back, items Exchange refused, MIME bytes, GetItem requests. */
    public record Result(int items, int failed, long mimeBytes, int requests) {}

    private final EwsClient client;
    private final int batchSize;
    private final int inFlight;
    private final ItemShape shape;
    private final Executor executor;

    private MimeDownload(Builder b) {
        this.client = b.client;
        this.batchSize = b.batchSize;
        this.inFlight = b.inFlight;
        this.shape = b.shape;
        this.executor = b.executor;
    }

    /** A download for {@code client}'s mailbox. */
    public static Builder builder(EwsClient client) {
        return new Builder(client);
    }

    public int batchSize() {
        return batchSize;
    }

    public int inFlight() {
        return inFlight;
    }

    /**
     * Downloads every item's MIME; throws the first item Exchange refused (and stops), or any other
     * failure (see the class comment).
     */
    public Result run(List<ItemId> ids, Sink sink) {
        return run(ids, sink, (batch, outcomes) -> {
            for (Outcome<Item> o : outcomes.outcomes()) {
                o.orThrow();
            }
        });
    }

    /** Downloads every item's MIME, handing each batch's outcomes to {@code handler} (see the class comment). */
    public Result run(List<ItemId> ids, Sink sink, Handler handler) {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(handler, "handler");
        List<ItemId> all = List.copyOf(ids);
        List<List<ItemId>> batches = new ArrayList<>();
        for (int i = 0; i < all.size(); i += batchSize) {
            batches.add(all.subList(i, Math.min(all.size(), i + batchSize)));
        }
        if (batches.isEmpty()) {
            return new Result(0, 0, 0, 0);
        }
        Run run = new Run(batches, sink, Math.min(inFlight, batches.size()));
        return run.execute(handler);
    }

    /** The state of one {@code run}: shared by the caller's thread and the workers, guarded by itself. */
    private final class Run {
        private final List<List<ItemId>> batches;
        private final Sink sink;
        private final int workers;
        private final int ahead;
        private final Responses<?>[] done;
        private final List<Thread> busy = new ArrayList<>();
        private final Thread caller = Thread.currentThread();
        private boolean callerInterrupted;
        private int nextToStart;
        private int nextToDeliver;
        private int running;
        private Throwable failure;

        Run(List<List<ItemId>> batches, Sink sink, int workers) {
            this.batches = batches;
            this.sink = sink;
            this.workers = workers;
            this.ahead = 4 * workers;
            this.done = new Responses<?>[batches.size()];
        }

        Result execute(Handler handler) {
            for (int w = 0; w < workers; w++) {
                synchronized (this) {
                    running++;
                }
                try {
                    executor.execute(this::work);
                } catch (RejectedExecutionException e) {
                    synchronized (this) {
                        running--;
                    }
                    fail(e);
                    break;
                }
            }
            int items = 0;
            int failed = 0;
            long bytes = 0;
            try {
                for (int i = 0; i < batches.size(); i++) {
                    Responses<Item> r = awaitBatch(i);
                    if (r == null) {
                        break;
                    }
                    for (Outcome<Item> o : r.outcomes()) {
                        if (o.ok()) {
                            items++;
                            bytes += o.value() == null
                                    ? 0
                                    : Math.max(0, o.value().mimeBytes());
                        } else {
                            failed++;
                        }
                    }
                    handler.batch(batches.get(i), r);
                }
            } catch (RuntimeException | Error e) {
                fail(e);
            }
            awaitWorkers();
            Throwable first;
            synchronized (this) {
                first = failure;
                if (callerInterrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (first instanceof RuntimeException e) {
                throw e;
            }
            if (first instanceof Error e) {
                throw e;
            }
            if (first != null) {
                throw new EwsTransportException("The MIME download failed: " + first, "", false, first);
            }
            return new Result(items, failed, bytes, batches.size());
        }

        /** Batch {@code i}'s outcomes once they are in; null when the download failed. */
        @SuppressWarnings("unchecked")
        private synchronized Responses<Item> awaitBatch(int i) {
            while (done[i] == null && failure == null) {
                if (running == 0) {
                    failure = new IllegalStateException("The download's workers stopped before batch " + i);
                    break;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    callerInterrupted = true;
                    failure = new EwsTransportException("Interrupted while downloading MIME.", "", false, e);
                    cancel();
                }
            }
            if (failure != null) {
                return null;
            }
            Responses<Item> r = (Responses<Item>) done[i];
            done[i] = null;
            nextToDeliver = i + 1;
            notifyAll();
            return r;
        }

        private void work() {
            try {
                if (Thread.currentThread() == caller) {
                    throw new IllegalStateException(
                            "The executor ran a MIME download worker on the calling thread; give it one that runs"
                                    + " tasks on other threads");
                }
                while (true) {
                    int i;
                    synchronized (this) {
                        while (failure == null
                                && nextToStart < batches.size()
                                && nextToStart - nextToDeliver >= ahead) {
                            wait();
                        }
                        if (failure != null || nextToStart >= batches.size()) {
                            return;
                        }
                        i = nextToStart++;
                        busy.add(Thread.currentThread());
                    }
                    List<ItemId> batch = batches.get(i);
                    Responses<Item> r;
                    try {
                        r = client.execute(new GetItem(batch, shape, position -> sink.open(batch.get(position))));
                    } finally {
                        synchronized (this) {
                            busy.remove(Thread.currentThread());
                        }
                        // An interrupt meant for this batch must not leak to the executor's next task.
                        Thread.interrupted();
                    }
                    synchronized (this) {
                        done[i] = r;
                        notifyAll();
                    }
                }
            } catch (Throwable t) {
                fail(t);
            } finally {
                synchronized (this) {
                    running--;
                    notifyAll();
                }
            }
        }

        private synchronized void fail(Throwable t) {
            if (failure == null) {
                failure = t;
                cancel();
            }
            notifyAll();
        }

        /** Interrupts the requests in flight (under the lock). */
        private void cancel() {
            for (Thread t : busy) {
                t.interrupt();
            }
            notifyAll();
        }

        /** Waits until no worker runs, so no sink is used after {@code run} returns. */
        private synchronized void awaitWorkers() {
            while (running > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    callerInterrupted = true;
                    if (failure == null) {
                        failure = new EwsTransportException("Interrupted while downloading MIME.", "", false, e);
                    }
                    cancel();
                }
            }
        }
    }

    public static final class Builder {
        private final EwsClient client;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int inFlight = DEFAULT_IN_FLIGHT;
        private ItemShape shape = ItemShape.mime();
        private Executor executor;

        private Builder(EwsClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** Items per GetItem request, 1-{@value #MAX_BATCH_SIZE}; default {@value #DEFAULT_BATCH_SIZE}. */
        public Builder batchSize(int n) {
            if (n < 1 || n > MAX_BATCH_SIZE) {
                throw new IllegalArgumentException("The batch size must be 1-" + MAX_BATCH_SIZE);
            }
            this.batchSize = n;
            return this;
        }

        /**
         * GetItem requests outstanding at a time, from 1 (one after the other) up to the protocol's
         * concurrent requests per mailbox (default 10); default {@value #DEFAULT_IN_FLIGHT}.
         */
        public Builder inFlight(int n) {
            int cap = client.protocol().maxConcurrentPerMailbox;
            if (n < 1 || n > cap) {
                throw new IllegalArgumentException("Requests in flight must be 1-" + cap
                        + " (the protocol's concurrent requests per mailbox; Exchange Online allows 27 per user)");
            }
            this.inFlight = n;
            return this;
        }

        /**
         * The item shape; must include the MIME content. Default {@link ItemShape#mime()} (IdOnly + MIME);
         * add properties with {@code ItemShape.mime().with("item:Subject")}.
         */
        public Builder shape(ItemShape shape) {
            if (!shape.includeMimeContent()) {
                throw new IllegalArgumentException("The shape must include the MIME content");
            }
            this.shape = shape;
            return this;
        }

        /**
         * Runs the download's workers ({@code inFlight} long-running tasks per download, each sending one
         * request at a time); default a new virtual thread per worker. Fewer threads than {@code inFlight}
         * only means fewer requests in flight.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor);
            return this;
        }

        public MimeDownload build() {
            if (executor == null) {
                executor = task -> Thread.ofVirtual().name("ews-mime-download").start(task);
            }
            return new MimeDownload(this);
        }
    }
}
