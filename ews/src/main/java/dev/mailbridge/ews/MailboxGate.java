package dev.mailbridge.ews;

import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Per-mailbox traffic control: caps concurrent requests (Exchange Online allows 27 per user; default
 * 10) and open streaming connections (Exchange allows 10 per account online, 3 on Exchange Server by
 * default), holds all of the mailbox's requests back while Exchange's back-off runs, and keeps the
 * notification back-end affinity cookie.
 */
final class MailboxGate {
    private final Semaphore permits;
    private final Semaphore streams;
    private long pausedUntilNanos;
    private volatile String backendCookie;

    MailboxGate(int maxConcurrent, int maxStreams) {
        this.permits = new Semaphore(maxConcurrent, true);
        this.streams = new Semaphore(maxStreams);
    }

    /** Takes a streaming-connection slot; false when all are in use (the caller must not open another). */
    boolean tryOpenStream() {
        return streams.tryAcquire();
    }

    void closeStream() {
        streams.release();
    }

    void acquire() throws InterruptedException {
        permits.acquire();
    }

    void release() {
        permits.release();
    }

    int availablePermits() {
        return permits.availablePermits();
    }

    synchronized void pauseFor(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        if (until - pausedUntilNanos > 0) {
            pausedUntilNanos = until;
        }
    }

    /** How much of the back-off is left, zero if none. */
    synchronized Duration remainingPause() {
        long left = pausedUntilNanos - System.nanoTime();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    String backendCookie() {
        return backendCookie;
    }

    void backendCookie(String value) {
        this.backendCookie = value;
    }
}
