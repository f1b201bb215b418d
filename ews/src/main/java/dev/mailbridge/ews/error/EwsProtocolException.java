package dev.mailbridge.ews.error;

/** The server's answer is not a well-formed EWS response the client can read. */
public class EwsProtocolException extends EwsException {
    public EwsProtocolException(String plainMessage, int httpStatus, Throwable cause) {
        super(
                plainMessage,
                "Check that the URL points at an Exchange EWS endpoint (…/EWS/Exchange.asmx) and not at a proxy"
                        + " or login page; if it does, report the response with its request-id.",
                null,
                null,
                httpStatus,
                false,
                cause);
    }

    protected EwsProtocolException(String plainMessage, String fix, int httpStatus, Throwable cause) {
        super(plainMessage, fix, null, null, httpStatus, false, cause);
    }
}
