package dev.mailbridge.core.sync;

import java.time.Duration;

/** A watch's own virtual thread: started once, interrupted to close, joined within a limit. */
abstract class WatchThread implements MailboxWatchers.Watch {
    /** Set by {@link #close}; the thread's loops end when they see it. */
    protected volatile boolean closed;

    /** The longest wait between two attempts to subscribe. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private Thread thread;

    /** The next wait after a failed attempt: twice this one, at most {@link #MAX_BACKOFF}. */
    static Duration doubled(Duration backoff) {
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
    }

    /** Starts {@link #run} on a virtual thread named {@code name}; the caller holds this watch's lock. */
    protected final void startThread(String name) {
        thread = Thread.ofVirtual().name(name).start(this::run);
    }

    protected abstract void run();

    @Override
    public void close(boolean forGood) {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public void join(Duration limit) {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(limit);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
