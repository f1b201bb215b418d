package dev.mailbridge.core.vault;

/** A stored secret cannot be opened; the message says why and what to do, and never holds the secret. */
public final class VaultException extends RuntimeException {
    public VaultException(String message) {
        super(message);
    }
}
