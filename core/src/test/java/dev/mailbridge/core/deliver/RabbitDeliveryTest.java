package dev.mailbridge.core.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.mailbridge.core.store.TestDatabases.Kind;
import dev.mailbridge.identity.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** RabbitMQ delivery against the broker on this machine (127.0.0.1:5672, guest/guest). */
class RabbitDeliveryTest {
    private static final String URI = "amqp://guest@127.0.0.1:5672/%2F";

    @Test
    void publishesWithConfirmsAndAConsumerReceivesIt() throws Exception {
        String exchange = "mailbridge-test-" + UUID.randomUUID().toString().substring(0, 8);
        ConnectionFactory cf = new ConnectionFactory();
        cf.setUri("amqp://guest:guest@127.0.0.1:5672/%2F");
        try (Fixture f = new Fixture(Kind.H2);
                RabbitDeliverer rabbit = new RabbitDeliverer(Duration.ofSeconds(10));
                Connection consumer = cf.newConnection("mailbridge-test");
                Channel ch = consumer.createChannel()) {
            UUID target = f.targets
                    .create(DeliveryTargetStore.Settings.rabbit("queue", URI, Secret.of("guest"), exchange))
                    .id();
            UUID mailbox = UUID.randomUUID();
            OutboxEvent event = Fixture.event(EventType.MESSAGE_RECEIVED, "<r@x>", mailbox);
            long id = f.outbox.enqueue(target, event).id();

            // nothing bound yet: the broker returns the message, and the outbox keeps it for a retry
            DeliveryTarget t = f.targets.get(target).orElseThrow();
            OutboxEntry first = f.outbox.claim("w", 1, Duration.ofMinutes(1)).get(0);
            DeliveryResult unroutable = rabbit.deliver(first, t, f.targets.secret(target));
            assertThat(unroutable)
                    .isInstanceOfSatisfying(
                            DeliveryResult.Retry.class,
                            r -> assertThat(r.error()).contains("no queue is bound", exchange, "message.received"));
            f.outbox.markFailed(
                    first, ((DeliveryResult.Retry) unroutable).error(), Optional.empty(), Optional.empty(), false);

            // a consumer binds a temporary queue; the worker delivers
            String queue = ch.queueDeclare().getQueue();
            ch.queueBind(queue, exchange, "message.*");
            try (DeliveryWorker w = new DeliveryWorker(
                    f.outbox,
                    f.targets,
                    List.of(rabbit),
                    DeliveryWorker.Options.defaults().withPollInterval(Duration.ofMillis(50)))) {
                w.start();
                Fixture.await(
                        "the event delivered",
                        () -> f.outbox.get(id).orElseThrow().state().equals(OutboxState.DELIVERED));
            }
            GetResponse got = ch.basicGet(queue, true);
            assertThat(got).isNotNull();
            assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("message.received");
            assertThat(got.getProps().getMessageId()).isEqualTo(event.idempotencyKey());
            assertThat(got.getProps().getContentType()).isEqualTo("application/json");
            assertThat(got.getProps().getDeliveryMode()).isEqualTo(2);
            assertThat(got.getProps().getType()).isEqualTo("message.received");
            assertThat(got.getProps().getHeaders().get("Idempotency-Key").toString())
                    .isEqualTo(event.idempotencyKey());
            JsonNode body = new ObjectMapper().readTree(new String(got.getBody(), StandardCharsets.UTF_8));
            assertThat(body.get("id").asText()).isEqualTo(event.idempotencyKey());
            assertThat(body.get("data").get("message_id").asText()).isEqualTo("<r@x>");
            assertThat(ch.basicGet(queue, true)).as("published once").isNull();
            ch.exchangeDelete(exchange);
        }
    }

    @Test
    void aWrongPasswordIsRetriedWithoutRevealingIt() throws Exception {
        try (Fixture f = new Fixture(Kind.H2);
                RabbitDeliverer rabbit = new RabbitDeliverer(Duration.ofSeconds(5))) {
            UUID target = f.targets
                    .create(DeliveryTargetStore.Settings.rabbit(
                            "wrong", URI, Secret.of("not-the-password-xyz"), "mailbridge-test-wrong"))
                    .id();
            f.outbox.enqueue(target, Fixture.event(EventType.MAILBOX_AUTH_FAILED, "now", UUID.randomUUID()));
            OutboxEntry e = f.outbox.claim("w", 1, Duration.ofMinutes(1)).get(0);
            DeliveryResult result = rabbit.deliver(e, f.targets.get(target).orElseThrow(), f.targets.secret(target));
            assertThat(result)
                    .isInstanceOfSatisfying(
                            DeliveryResult.Retry.class,
                            r -> assertThat(r.error())
                                    .contains("127.0.0.1:5672")
                                    .doesNotContain("not-the-password-xyz"));
        }
    }
}
