package dev.mailbridge.server;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.receive.ReceivedMessages;
import dev.mailbridge.core.send.Answers;
import dev.mailbridge.core.send.MailSender;
import dev.mailbridge.core.send.SendSettings;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Sending mail: the {@link MailSender} with its limits, {@code mailbridge.send.per-minute} (default 30, as
 * Exchange Online allows), {@code mailbridge.send.max-attachment-bytes} (default 25 MiB in total) and {@code
 * mailbridge.send.max-mime-bytes} (default 35 MiB, Exchange Online's default maximum message size).
 */
@Configuration(proxyBeanMethods = false)
class SendBeans {
    @Bean
    MailSender mailSender(
            MailboxServices services,
            Outbox outbox,
            Clock clock,
            @Value("${mailbridge.send.per-minute:30}") int perMinute,
            @Value("${mailbridge.send.max-attachment-bytes:26214400}") long maxAttachmentBytes,
            @Value("${mailbridge.send.max-mime-bytes:36700160}") long maxMimeBytes,
            @Value("${mailbridge.send.recipients-per-day:10000}") int recipientsPerDay) {
        return new MailSender(
                services,
                outbox,
                clock,
                new MailSender.Options(
                        perMinute, Duration.ofMinutes(1), maxAttachmentBytes, maxMimeBytes, recipientsPerDay));
    }

    @Bean
    SendSettings sendSettings(MailboxServices services, Clock clock) {
        return new SendSettings(services.stores(), clock);
    }

    /** Replies to and forwards of received mail, from the paired outgoing mailbox when there is one. */
    @Bean
    Answers answers(MailSender sender, ReceivedMessages received, SendSettings settings) {
        return new Answers(sender, received, settings);
    }
}
