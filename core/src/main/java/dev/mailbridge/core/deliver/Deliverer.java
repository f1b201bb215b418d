package dev.mailbridge.core.deliver;

import dev.mailbridge.identity.Secret;
import java.util.Optional;

/**
 * Puts one outbox entry on the wire to one target. Implementations are thread-safe, never throw for a
 * failed delivery (they return {@link DeliveryResult.Retry} or {@link DeliveryResult.Dead}) and never put
 * the secret or the payload into an error message.
 */
public interface Deliverer extends AutoCloseable {
    TargetKind kind();

    /**
     * Delivers {@code entry}. Throws {@link InterruptedException} only when the thread was interrupted (the
     * worker is closing); the attempt's outcome is then unknown and the lease decides.
     */
    DeliveryResult deliver(OutboxEntry entry, DeliveryTarget target, Optional<Secret> secret)
            throws InterruptedException;

    @Override
    default void close() {}
}
