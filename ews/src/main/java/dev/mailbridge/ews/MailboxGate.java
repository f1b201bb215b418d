package dev.mailbridge.ews;

import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Per-mailbox traffic control: caps concurrent requests (Exchange Online allows 27 per user; default
 * 10), holds all of the mailbox's requests back while Exchange's back-off runs, and keeps the
 * notification back-end affinity cookie.
 */
final class MailboxGate {
    private final Semaphore permits;
    private long pausedUntilNanos;
    private volatile String backendCookie;

    MailboxGate(int maxConcurrent) {
        this.permits = new Semaphore(maxConcurrent, true);
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
