package dev.mailbridge.ews.error;

import java.util.Optional;

/**
 * Base of every failure the EWS client reports. Unchecked. Each carries a plain-language explanation
 * ({@link #plainMessage()}) and what to do about it ({@link #fix()}); where Exchange gave them, the EWS
 * {@link #responseCode()} and Exchange's own {@link #messageText()}. Never contains credentials or tokens.
 */
public class EwsException extends RuntimeException {
    private final String plainMessage;
    private final String fix;
    private final String responseCode;
    private final String messageText;
    private final int httpStatus;
    private final boolean retryable;

    public EwsException(
            String plainMessage,
            String fix,
            String responseCode,
            String messageText,
            int httpStatus,
            boolean retryable,
            Throwable cause) {
        super(compose(plainMessage, fix, responseCode, messageText, httpStatus), cause);
        this.plainMessage = plainMessage;
        this.fix = fix;
        this.responseCode = responseCode;
        this.messageText = messageText;
        this.httpStatus = httpStatus;
        this.retryable = retryable;
    }

    private static String compose(String plain, String fix, String code, String text, int status) {
        StringBuilder sb = new StringBuilder(plain);
        if (fix != null && !fix.isBlank()) {
            sb.append(" What to do: ").append(fix);
        }
        if (code != null || status > 0) {
            sb.append(" [");
            if (status > 0) {
                sb.append("HTTP ").append(status);
            }
            if (code != null) {
                sb.append(status > 0 ? ", " : "").append(code);
            }
            if (text != null && !text.isBlank()) {
                sb.append(": ").append(text);
            }
            sb.append(']');
        }
        return sb.toString();
    }

    /** What went wrong, in plain words. */
    public String plainMessage() {
        return plainMessage;
    }

    /** What the user, the operator or the tenant admin should do. */
    public String fix() {
        return fix;
    }

    /** The EWS ResponseCode (e.g. {@code ErrorItemNotFound}), if Exchange gave one. */
    public Optional<String> responseCode() {
        return Optional.ofNullable(responseCode);
    }

    /** Exchange's MessageText (or SOAP faultstring), if any. */
    public Optional<String> messageText() {
        return Optional.ofNullable(messageText);
    }

    /** The HTTP status of the response, 0 when the failure happened before or without one. */
    public int httpStatus() {
        return httpStatus;
    }

    /** True if the same request may succeed later without anything being changed. */
    public boolean retryable() {
        return retryable;
    }
}
