package dev.mailbridge.server;

import dev.mailbridge.core.receive.ReceivedMessages;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Received messages are kept for "wait for a message" and the API for a week (configurable), then dropped. */
@Component
class ReceivedMessagesPruner {
    private static final Logger log = LoggerFactory.getLogger(ReceivedMessagesPruner.class);
    private final ReceivedMessages messages;
    private final Clock clock;
    private final Duration keep;

    ReceivedMessagesPruner(
            ReceivedMessages messages, Clock clock, @Value("${mailbridge.keep-received-messages:P7D}") Duration keep) {
        this.messages = messages;
        this.clock = clock;
        this.keep = keep;
    }

    @Scheduled(initialDelayString = "PT5M", fixedDelayString = "PT1H")
    void prune() {
        try {
            int n = messages.prune(clock.instant().minus(keep));
            if (n > 0) {
                log.info("dropped {} received messages older than {}", n, keep);
            }
        } catch (RuntimeException e) {
            log.warn("pruning received messages failed: {}", e.getMessage());
        }
    }
}
