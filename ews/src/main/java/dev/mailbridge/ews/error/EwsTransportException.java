package dev.mailbridge.ews.error;

/** The request did not complete at the network level (connect, TLS, reset, timeout). */
public final class EwsTransportException extends EwsException {
    public EwsTransportException(String plainMessage, String fix, boolean retryable, Throwable cause) {
        super(plainMessage, fix, null, null, 0, retryable, cause);
    }
}
