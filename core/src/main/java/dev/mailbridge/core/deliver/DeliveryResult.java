package dev.mailbridge.core.deliver;

import java.time.Duration;
import java.util.Optional;

/** What one delivery attempt came to. */
public sealed interface DeliveryResult {
    /** The target acknowledged the event (a 2xx, a broker confirm). */
    record Delivered(Optional<Integer> status) implements DeliveryResult {}

    /** Try again later (5xx, 429, timeouts, refused connections, nacks); {@code retryAfter} if the target said. */
    record Retry(String error, Optional<Integer> status, Optional<Duration> retryAfter) implements DeliveryResult {}

    /** Never try again: the target is gone (410). The event goes to the dead-letter list. */
    record Dead(String error, Optional<Integer> status) implements DeliveryResult {}
}
