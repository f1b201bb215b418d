package dev.mailbridge.server;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.deliver.Backoff;
import dev.mailbridge.core.deliver.DeliveryTargetStore;
import dev.mailbridge.core.deliver.DeliveryWorker;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.deliver.RabbitDeliverer;
import dev.mailbridge.core.deliver.WebhookDeliverer;
import dev.mailbridge.core.message.MimeParser;
import dev.mailbridge.core.receive.AfterDelivery;
import dev.mailbridge.core.receive.ReceivePipeline;
import dev.mailbridge.core.store.Database;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.sync.MailboxSync;
import dev.mailbridge.core.sync.MailboxWatchers;
import dev.mailbridge.core.sync.NotificationMode;
import dev.mailbridge.core.sync.ReceiveSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The mail pipeline as beans: sync, how mailboxes are watched for new mail, receive pipeline, the after-delivery action, outbox, delivery targets, the deliverers and the
 * delivery worker. The worker is started by {@link ReceiveScheduler} once the application is ready and
 * closed on shutdown (deliveries in flight finish; unrecorded ones come back when their lease ends).
 *
 * <p>Rules: each mailbox's own, from {@link dev.mailbridge.core.store.RuleStore}; a mailbox without
 * rules uses {@link dev.mailbridge.core.rules.RuleSet#empty()} (every message is delivered, with the
 * core's loop protection).
 */
@Configuration(proxyBeanMethods = false)
class PipelineBeans {

    @Bean
    DeliveryTargetStore deliveryTargets(Stores stores, Clock clock) {
        return new DeliveryTargetStore(stores.database(), stores.vault(), clock);
    }

    /**
     * @param maxAttempts attempts before an event goes to the dead letters
     * @param retryBase the first retry's ceiling (full jitter), doubling up to {@code retryCap}
     */
    @Bean
    Outbox outbox(
            Database database,
            Clock clock,
            @Value("${mailbridge.delivery.max-attempts:12}") int maxAttempts,
            @Value("${mailbridge.delivery.retry-base:PT5S}") Duration retryBase,
            @Value("${mailbridge.delivery.retry-cap:PT1H}") Duration retryCap) {
        return new Outbox(database, clock, new Outbox.Options(maxAttempts, new Backoff(retryBase, retryCap)));
    }

    @Bean(destroyMethod = "close")
    WebhookDeliverer webhookDeliverer() {
        // Signatures carry the real time: receivers check them against their own clocks.
        return new WebhookDeliverer(Duration.ofSeconds(10), Duration.ofSeconds(15), Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    RabbitDeliverer rabbitDeliverer() {
        return new RabbitDeliverer();
    }

    @Bean(destroyMethod = "close")
    DeliveryWorker deliveryWorker(
            Outbox outbox,
            DeliveryTargetStore targets,
            WebhookDeliverer webhook,
            RabbitDeliverer rabbit,
            @Value("${mailbridge.delivery.concurrency:8}") int concurrency,
            @Value("${mailbridge.delivery.lease:PT2M}") Duration lease) {
        // the lease is how long a row claimed by a server that died (kill -9) waits before another claims it
        return new DeliveryWorker(
                outbox,
                targets,
                List.of(webhook, rabbit),
                DeliveryWorker.Options.defaults().withConcurrency(concurrency).withLease(lease));
    }

    @Bean
    MimeParser mimeParser() {
        return new MimeParser();
    }

    @Bean
    MailboxSync mailboxSync(MailboxServices services, Clock clock) {
        return new MailboxSync(services.stores(), services.access(), clock);
    }

    /**
     * How receiving mailboxes hear of new mail ({@link ReceiveScheduler} watches them with these).
     *
     * @param notifications {@code streaming} (default; falls back to pull, then polling, where Exchange
     *     refuses), {@code pull} (falls back to polling) or {@code poll} (the poll interval only)
     * @param pullInterval how often a pull subscription asks Exchange for events
     * @param retryBetterAfter how long a refused way is left alone before it is tried again
     * @param pollInterval the safety pass interval, the only way in for a Microsoft Graph mailbox without
     *     change notifications (named in its status)
     */
    @Bean
    MailboxWatchers.Options watchOptions(
            ServerSettings settings,
            @Value("${mailbridge.receive.notifications:streaming}") String notifications,
            @Value("${mailbridge.receive.pull-interval:PT5S}") Duration pullInterval,
            @Value("${mailbridge.receive.retry-better-after:PT15M}") Duration retryBetterAfter,
            @Value("${mailbridge.poll-interval:PT30S}") Duration pollInterval) {
        return MailboxWatchers.Options.defaults()
                .withMode(NotificationMode.parse(notifications))
                .withPullInterval(pullInterval)
                .withRetryBetterAfter(retryBetterAfter)
                .withGraph(MailboxWatchers.GraphOptions.defaults()
                        .withNotificationUrl(settings.graphNotificationUrl())
                        .withPollInterval(pollInterval));
    }

    @Bean
    ReceiveSettings receiveSettings(Database database, Clock clock) {
        return new ReceiveSettings(database, clock);
    }

    @Bean
    AfterDelivery afterDelivery(MailboxServices services, ReceiveSettings settings, Clock clock) {
        return new AfterDelivery(services.stores(), services.access(), settings, clock);
    }

    @Bean
    ReceivePipeline receivePipeline(
            MimeParser parser,
            Outbox outbox,
            AfterDelivery afterDelivery,
            Stores stores,
            dev.mailbridge.core.receive.ReceivedMessages received) {
        // Read for every message, so a change of rules applies from the next message on.
        return new ReceivePipeline(parser, stores.rules()::ruleSet, outbox, afterDelivery).keepingMessagesIn(received);
    }

    @Bean
    dev.mailbridge.core.receive.ReceivedMessages receivedMessages(Stores stores, Clock clock) {
        return new dev.mailbridge.core.receive.ReceivedMessages(stores.database(), clock);
    }
}
