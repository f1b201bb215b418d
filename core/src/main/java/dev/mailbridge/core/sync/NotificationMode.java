package dev.mailbridge.core.sync;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a mailbox hears of new mail, best first: a streaming subscription (Exchange pushes events down a
 * long-lived connection; a sync starts within moments), a pull subscription (GetEvents every few
 * seconds), or polling (a sync pass every poll interval). A mailbox falls back from one to the next when
 * Exchange refuses the better one. A Microsoft Graph mailbox instead hears of new mail by Graph change
 * notifications ({@code GRAPH}: Graph POSTs to the server's public URL), else by polling; {@code GRAPH} is
 * a status, not a setting.
 */
public enum NotificationMode {
    STREAMING("Streaming"),
    PULL("Pull"),
    POLL("Polling"),
    GRAPH("Graph change notifications");

    /** The values {@code mailbridge.receive.notifications} takes (Graph mailboxes use notifications when they can). */
    private static final NotificationMode[] SETTINGS = {STREAMING, PULL, POLL};

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
        return Arrays.stream(SETTINGS)
                .filter(m -> m.name().equals(v))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("mailbridge.receive.notifications is '" + value
                        + "'; use one of "
                        + Arrays.stream(SETTINGS)
                                .map(m -> m.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(", "))
                        + "."));
    }
}
