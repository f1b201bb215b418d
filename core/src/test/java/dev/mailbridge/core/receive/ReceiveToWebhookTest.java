package dev.mailbridge.core.receive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.TransportMailbox;
import dev.mailbridge.core.deliver.DeliveryTargetStore;
import dev.mailbridge.core.deliver.DeliveryWorker;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.deliver.WebhookDeliverer;
import dev.mailbridge.core.deliver.WebhookSignature;
import dev.mailbridge.core.message.MimeParser;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.rules.Rule;
import dev.mailbridge.core.rules.RuleSet;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.core.sync.MailboxSync;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.http.HttpSettings;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mail delivered into an emulated Exchange mailbox reaches a real webhook receiver: synced, parsed,
 * judged by the rules (an auto-reply is held back), queued in the sync's transaction, signed, each
 * message once with its stable idempotency key; on both transports (EWS on the Exchange Server tenant,
 * Graph on the Exchange Online tenant).
 */
@ParameterizedClass
@EnumSource(Transport.class)
class ReceiveToWebhookTest {
    @Parameter
    Transport transport;

    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    record Received(String key, JsonNode body) {}

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(TestDatabases.Kind.class)
    void incomingMailReachesTheWebhookOnceSignedAndFiltered(TestDatabases.Kind kind) throws Exception {
        Emulator emulator = EMULATOR.emulator();
        Stores stores = new Stores(TestDatabases.open(kind), new Vault(KeyRing.of(KeyRing.newKey())), emulator.clock());
        MailboxServices services =
                new MailboxServices(stores, emulator.clock(), HttpSettings.defaults(), Duration.ofDays(7));
        Mailbox mailbox = TransportMailbox.create(transport, services, emulator, "pipeline");
        String address = mailbox.address();

        // A real receiver that checks every signature.
        String secret = WebhookSignature.newSecret();
        List<Received> received = new CopyOnWriteArrayList<>();
        List<String> badSignatures = new CopyOnWriteArrayList<>();
        ObjectMapper json = new ObjectMapper();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String signature = exchange.getRequestHeaders().getFirst("Mailbridge-Signature");
            if (!WebhookSignature.verify(secret, signature, body, Duration.ofMinutes(5))) {
                badSignatures.add(signature);
            }
            received.add(new Received(exchange.getRequestHeaders().getFirst("Idempotency-Key"), json.readTree(body)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        DeliveryTargetStore targets = new DeliveryTargetStore(stores.database(), stores.vault(), emulator.clock());
        targets.create(DeliveryTargetStore.Settings.webhook(
                "Help desk", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", Secret.of(secret)));
        Outbox outbox = new Outbox(stores.database(), java.time.Clock.systemUTC());
        RuleSet rules = RuleSet.of(
                Rule.builder("Orders").subject("(?i)order").label("order").build(),
                Rule.builder("Everything else").label("general").build());
        MailboxSync sync = new MailboxSync(stores, services.access(), emulator.clock());
        ReceivePipeline pipeline = new ReceivePipeline(new MimeParser(), id -> rules, outbox);

        deliver(emulator, address, "Order 1001", "");
        deliver(emulator, address, "Question about invoices", "");
        deliver(emulator, address, "Out of office", "Auto-Submitted: auto-replied\r\n");

        try (WebhookDeliverer webhook = new WebhookDeliverer();
                DeliveryWorker worker =
                        new DeliveryWorker(outbox, targets, List.of(webhook), DeliveryWorker.Options.defaults())) {
            worker.start();
            MailboxSync.Result first = sync.syncOnce(mailbox.id(), pipeline, false);
            assertThat(first.newMessages()).isEqualTo(3);
            // A second pass (and a forced resync) finds nothing new to queue.
            emulator.exchange().store().invalidateSyncStates();
            assertThat(sync.syncOnce(mailbox.id(), pipeline, false).newMessages())
                    .isZero();
            worker.wake();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(300); // anything extra would arrive now
        } finally {
            receiver.stop(0);
        }

        assertThat(badSignatures).isEmpty();
        assertThat(received).hasSize(2);
        assertThat(received).extracting(r -> r.body().get("type").asText()).containsOnly("message.received");
        assertThat(received)
                .extracting(r -> r.body().get("data").get("subject").asText() + " -> "
                        + r.body().get("data").get("label").asText())
                .containsExactlyInAnyOrder("Order 1001 -> order", "Question about invoices -> general");
        for (Received r : received) {
            String itemId = r.body().get("data").get("itemId").asText();
            assertThat(r.key()).isEqualTo(ReceivePipeline.key(mailbox.id(), itemId));
        }
    }

    static void deliver(Emulator emulator, String to, String subject, String extraHeaders) {
        String mime = "From: Customer <customer@example.com>\r\nTo: " + to + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + UUID.randomUUID() + "@example.com>\r\n" + extraHeaders
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n";
        emulator.exchange().store().deliver(to, mime.getBytes(StandardCharsets.UTF_8));
    }
}
