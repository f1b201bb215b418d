package dev.mailbridge.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A Graph change-notification subscription (mail resources expire within days: renew before). */
public record Subscription(
        String id,
        String resource,
        String changeType,
        String notificationUrl,
        String lifecycleNotificationUrl,
        String clientState,
        Instant expirationDateTime) {

    static Subscription of(JsonNode n, String clientState) {
        String state = GraphErrors.textOrNull(n.get("clientState"));
        return new Subscription(
                n.path("id").asText(),
                n.path("resource").asText(),
                n.path("changeType").asText(),
                n.path("notificationUrl").asText(),
                GraphErrors.textOrNull(n.get("lifecycleNotificationUrl")),
                state == null ? clientState : state,
                Instant.parse(n.path("expirationDateTime").asText()));
    }
}
