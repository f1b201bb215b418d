package dev.mailbridge.core.deliver;

/** Where an outbox row is in its life. */
public enum OutboxState {
    /** Waiting for its next attempt ({@code next_attempt_at}). */
    PENDING,
    /** Leased by a worker until {@code leased_until}; reclaimable after that (the worker died). */
    DELIVERING,
    /** The target acknowledged it (a 2xx, a broker confirm). */
    DELIVERED,
    /** The attempts ran out, or the target said it is gone (410): in the dead-letter list until replayed. */
    DEAD
}
