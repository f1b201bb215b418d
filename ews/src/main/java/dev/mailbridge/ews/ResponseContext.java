package dev.mailbridge.ews;

import dev.mailbridge.ews.error.EwsResponseException;
import dev.mailbridge.ews.error.EwsServerBusyException;

/**
 * What the client learns while reading one response, beyond the operation's result: the HTTP status,
 * the server's version, and whether any response message asked it to back off or retry.
 */
public final class ResponseContext {
    private final int httpStatus;
    private String serverVersion;
    private EwsServerBusyException serverBusy;
    private EwsResponseException transientError;

    public ResponseContext(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** e.g. {@code 15.20.1234.5 V2017_07_11}, from ServerVersionInfo; null if absent. */
    public String serverVersion() {
        return serverVersion;
    }

    public void serverVersion(String value) {
        this.serverVersion = value;
    }

    /** Called by the message reader for every non-success message. */
    public void noteError(EwsResponseException error) {
        if (error instanceof EwsServerBusyException busy && serverBusy == null) {
            serverBusy = busy;
        } else if (error.retryable() && transientError == null) {
            transientError = error;
        }
    }

    public EwsServerBusyException serverBusy() {
        return serverBusy;
    }

    public EwsResponseException transientError() {
        return transientError;
    }
}
