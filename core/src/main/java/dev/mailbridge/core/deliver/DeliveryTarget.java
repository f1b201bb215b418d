package dev.mailbridge.core.deliver;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Where events go. The secret (the webhook's HMAC secret or the AMQP password) is never in this record, only
 * {@link #hasSecret()}; {@link DeliveryTargetStore#secret} opens it where it goes on the wire.
 *
 * @param url the webhook URL, or the AMQP URI ({@code amqp[s]://user@host:port/vhost}, no password)
 * @param exchange RabbitMQ only: the exchange (default {@value RabbitDeliverer#DEFAULT_EXCHANGE})
 * @param routingKey RabbitMQ only: a fixed routing key; by default the event's wire name
 * @param eventTypes the events this target receives; empty means all
 */
public record DeliveryTarget(
        UUID id,
        String name,
        TargetKind kind,
        String url,
        boolean hasSecret,
        Optional<String> exchange,
        Optional<String> routingKey,
        Set<EventType> eventTypes,
        boolean enabled,
        Instant createdAt) {

    public boolean receives(EventType type) {
        return eventTypes.isEmpty() || eventTypes.contains(type);
    }

    /** The vault context of this target's secret. */
    public static String secretContext(UUID id) {
        return "delivery_target/" + id + "/secret";
    }
}
