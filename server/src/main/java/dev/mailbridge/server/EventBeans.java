package dev.mailbridge.server;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.events.MailboxEvents;
import dev.mailbridge.core.store.Stores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Sign-in trouble announced to the application: mailbox.auth_expiring and mailbox.auth_failed events. */
@Configuration(proxyBeanMethods = false)
class EventBeans {
    @Bean
    MailboxEvents mailboxEvents(MailboxServices services, Stores stores, Outbox outbox) {
        return MailboxEvents.attach(services.tokens(), stores, outbox);
    }
}
