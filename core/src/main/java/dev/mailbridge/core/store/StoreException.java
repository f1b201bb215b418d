package dev.mailbridge.core.store;

/** The database failed; the message says what to check. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
