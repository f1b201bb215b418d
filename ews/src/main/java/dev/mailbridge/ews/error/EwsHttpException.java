package dev.mailbridge.ews.error;

/** Exchange (or something in front of it) answered with an HTTP status and no usable SOAP response. */
public class EwsHttpException extends EwsException {
    public EwsHttpException(String plainMessage, String fix, int httpStatus, boolean retryable) {
        super(plainMessage, fix, null, null, httpStatus, retryable, null);
    }
}
