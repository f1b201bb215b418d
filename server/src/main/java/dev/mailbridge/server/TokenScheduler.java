package dev.mailbridge.server;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.TokenKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Refreshes idle mailboxes long before Entra's 90 days, and flags the ones that cannot be refreshed. */
@Component
class TokenScheduler {
    private static final Logger log = LoggerFactory.getLogger(TokenScheduler.class);
    private final MailboxServices services;

    TokenScheduler(MailboxServices services) {
        this.services = services;
    }

    @Scheduled(
            initialDelayString = "${mailbridge.sweep-initial-delay:PT1M}",
            fixedDelayString = "${mailbridge.sweep-interval:PT1H}")
    void sweep() {
        try {
            TokenKeeper.SweepResult r = services.tokens().sweep();
            if (r.refreshed() + r.failed() + r.expiring() > 0) {
                log.info("token sweep: {} refreshed, {} failed, {} expiring", r.refreshed(), r.failed(), r.expiring());
            }
        } catch (RuntimeException e) {
            log.warn("token sweep failed: {}", e.getMessage());
        }
    }
}
