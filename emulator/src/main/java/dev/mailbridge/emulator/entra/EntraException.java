package dev.mailbridge.emulator.entra;

/**
 * An Entra protocol error: what the token endpoint sends as JSON, what /authorize sends to the
 * redirect URI, or shows on its error page. The AADSTS code and message are kept apart so each
 * surface can format them the way Entra does.
 */
public final class EntraException extends RuntimeException {
    private final int status;
    private final String error;
    private final int code;
    private final String suberror;

    EntraException(int status, String error, int code, String message, String suberror) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.code = code;
        this.suberror = suberror;
    }

    /** HTTP status the token endpoint answers with (400, or 401 for invalid_client). */
    public int status() {
        return status;
    }

    /** The OAuth {@code error} value, e.g. invalid_grant. */
    public String error() {
        return error;
    }

    /** The AADSTS number, e.g. 700082. */
    public int code() {
        return code;
    }

    /** Entra's {@code suberror} (bad_token, consent_required, basic_action, ...) or null. */
    public String suberror() {
        return suberror;
    }

    /** "AADSTSnnnnn: message" without the trace/correlation suffix. */
    public String aadsts() {
        return "AADSTS" + code + ": " + getMessage();
    }

    EntraException withSuberror(String value) {
        return new EntraException(status, error, code, getMessage(), value);
    }
}
