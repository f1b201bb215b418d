package dev.mailbridge.core.message;

/**
 * A message cannot be parsed: it is malformed or exceeds a {@link MimeParser.Limits limit}. The message
 * says what is wrong and where ({@code part 1.2 (image/png): ...}); retrying will not help.
 */
public final class MessageParseException extends RuntimeException {
    public MessageParseException(String message) {
        super(message);
    }

    public MessageParseException(String message, Throwable cause) {
        super(message, cause);
    }
}
