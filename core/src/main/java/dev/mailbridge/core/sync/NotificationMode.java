package dev.mailbridge.core.sync;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a mailbox hears of new mail, best first: a streaming subscription (Exchange pushes events down a
 * long-lived connection; a sync starts within moments), a pull subscription (GetEvents every few
 * seconds), or polling (a sync pass every poll interval). A mailbox falls back from one to the next when
 * Exchange refuses the better one.
 */
public enum NotificationMode {
    STREAMING("Streaming"),
    PULL("Pull"),
    POLL("Polling");

    private final String label;

    NotificationMode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** From a setting: {@code streaming}, {@code pull} or {@code poll}, any case. */
    public static NotificationMode parse(String value) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(m -> m.name().equals(v))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("mailbridge.receive.notifications is '" + value
                        + "'; use one of "
                        + Arrays.stream(values())
                                .map(m -> m.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(", "))
                        + "."));
    }
}
