package dev.mailbridge.core.rules;

import java.util.Objects;

/**
 * What to do with a received message.
 *
 * @param deliver whether to deliver it to the application
 * @param rule the name of the rule that matched, {@code null} when none did (or there are no rules)
 * @param label the matched rule's label or route (a request type), {@code null} when it has none
 * @param reason why, for people and the history ({@code skipped: auto-reply (Auto-Submitted:
 *     auto-replied), loop protection})
 */
public record Decision(boolean deliver, String rule, String label, String reason) {
    public Decision {
        Objects.requireNonNull(reason, "reason");
    }

    static Decision deliver(String rule, String label, String reason) {
        return new Decision(true, rule, label, reason);
    }

    static Decision skip(String rule, String label, String reason) {
        return new Decision(false, rule, label, reason);
    }
}
