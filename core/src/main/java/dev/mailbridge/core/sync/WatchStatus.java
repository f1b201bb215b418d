package dev.mailbridge.core.sync;

import java.time.Instant;
import java.util.Optional;

/**
 * How a watched mailbox hears of new mail now, and why not a better way.
 *
 * @param mode the way in use
 * @param reason why the better ways are not in use (Exchange's refusal, a sign-in that fails), if any
 * @param since when this mode and reason began
 */
public record WatchStatus(NotificationMode mode, Optional<String> reason, Instant since) {
    /** For people: {@code Streaming}, {@code Pull (streaming refused: ...)}, {@code Polling}. */
    public String label() {
        return reason.map(r -> mode.label() + " (" + r + ")").orElse(mode.label());
    }
}
