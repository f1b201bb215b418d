package dev.mailbridge.core.store;

import java.util.UUID;

/** The thing asked for does not exist (or was deleted meanwhile). */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String what, UUID id) {
        super("no " + what + " with ID " + id);
    }

    /** For rows with a numeric ID (outbox events). */
    public NotFoundException(String what, long id) {
        super("no " + what + " with ID " + id);
    }
}
