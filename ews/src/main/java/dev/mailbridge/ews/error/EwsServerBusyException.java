package dev.mailbridge.ews.error;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** ErrorServerBusy: the mailbox's throttling budget is spent. Exchange says how long to stay away. */
public final class EwsServerBusyException extends EwsResponseException {
    public EwsServerBusyException(String messageText, Map<String, String> details, int httpStatus) {
        super(ResponseCodes.explain("ErrorServerBusy"), "ErrorServerBusy", messageText, details, httpStatus);
    }

    /** BackOffMilliseconds from the response, if present. */
    public Optional<Duration> backOff() {
        String v = details().get("BackOffMilliseconds");
        if (v == null) {
            return Optional.empty();
        }
        try {
            long ms = Long.parseLong(v.trim());
            return ms >= 0 ? Optional.of(Duration.ofMillis(ms)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
