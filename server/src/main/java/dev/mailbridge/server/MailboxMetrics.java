package dev.mailbridge.server;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Prometheus metrics (at {@code /actuator/prometheus}, API key with READ scope):
 * {@code mailbridge_mailboxes{status}} (mailboxes per sign-in status, every status present, zeros
 * included, so alerts on {@code status="REAUTHORIZATION_REQUIRED"} work) and
 * {@code mailbridge_token_refreshes_total{outcome}} (successful and failed refreshes).
 */
@Component
class MailboxMetrics {
    private final MailboxServices services;
    private final MultiGauge byStatus;

    MailboxMetrics(MailboxServices services, MeterRegistry registry) {
        this.services = services;
        this.byStatus = MultiGauge.builder("mailbridge.mailboxes")
                .description("Mailboxes per sign-in status")
                .register(registry);
        Counter ok = Counter.builder("mailbridge.token.refreshes")
                .description("Token refreshes")
                .tag("outcome", "success")
                .register(registry);
        Counter failed = Counter.builder("mailbridge.token.refreshes")
                .description("Token refreshes")
                .tag("outcome", "failure")
                .register(registry);
        services.tokens().onRefresh(r -> (r.refreshed() ? ok : failed).increment());
        update();
    }

    @Scheduled(fixedDelayString = "${mailbridge.metrics-interval:PT30S}")
    void update() {
        Map<MailboxStatus, Long> counts = new EnumMap<>(MailboxStatus.class);
        Arrays.stream(MailboxStatus.values()).forEach(s -> counts.put(s, 0L));
        counts.putAll(services.stores().mailboxes().all().stream()
                .collect(Collectors.groupingBy(Mailbox::status, Collectors.counting())));
        byStatus.register(
                counts.entrySet().stream()
                        .map(e -> MultiGauge.Row.of(Tags.of("status", e.getKey().name()), e.getValue()))
                        .toList(),
                true);
    }
}
