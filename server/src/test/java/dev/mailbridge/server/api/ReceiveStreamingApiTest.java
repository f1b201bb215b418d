package dev.mailbridge.server.api;

import static dev.mailbridge.server.api.ReceiveApiTest.await;
import static dev.mailbridge.server.api.ReceiveApiTest.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.server.api.ApiClient.Reply;
import dev.mailbridge.server.security.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Receiving through the server with streaming notifications: the poll interval (and the watch check) is
 * an hour, so mail reaches the webhook only because Exchange's streaming event started a sync. The receive
 * status says how the mailbox hears of new mail; a message that cannot be parsed arrives as {@code
 * message.failed} with its item id and the reason.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReceiveStreamingApiTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ApiClient.embeddedServer(registry);
        // nothing polls during the test: only notifications can start a sync
        registry.add("mailbridge.poll-interval", () -> "PT1H");
        registry.add("mailbridge.poll-initial-delay", () -> "PT1H");
        registry.add("mailbridge.receive.watch-check", () -> "PT1H");
        registry.add("mailbridge.receive.notifications", () -> "streaming");
        registry.add("mailbridge.delivery.retry-base", () -> "PT0.2S");
    }

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys apiKeys;

    @Test
    void newMailReachesTheWebhookThroughStreamingWithoutWaitingForThePollInterval() throws Exception {
        Emulator emulator = EMULATOR.emulator();
        ApiClient api = new ApiClient(port);
        String writer = apiKeys.create("stream writer", EnumSet.of(ApiKey.Scope.WRITE), "test")
                .value();
        String connection = api.northwindServiceConnection(writer, "Northwind streaming", emulator);
        try (ReceiveApiTest.Receiver receiver = new ReceiveApiTest.Receiver()) {
            Reply t = api.post(
                    "/api/v1/delivery-targets",
                    writer,
                    body("name", "Streaming desk", "kind", "WEBHOOK", "url", receiver.url()));
            assertThat(t.status()).as(t.toString()).isEqualTo(201);
            receiver.secret = t.text("generatedSecret");

            String address = "stream." + UUID.randomUUID().toString().substring(0, 8) + "@northwind.local";
            emulator.exchange().mailboxes().createMailbox(address, "Stream", ReceiveApiTest.OWNER);
            Reply m = api.post("/api/v1/connections/" + connection + "/mailboxes", writer, body("address", address));
            assertThat(m.status()).as(m.toString()).isEqualTo(201);
            String mailbox = m.text("id");
            assertThat(api.post("/api/v1/mailboxes/" + mailbox + "/test", writer, null)
                            .get("passed")
                            .asBoolean())
                    .isTrue();

            Reply before = api.get("/api/v1/mailboxes/" + mailbox + "/receive", writer);
            assertThat(before.text("notifications")).as("not watched while off").isNull();
            Reply on = api.put(
                    "/api/v1/mailboxes/" + mailbox + "/receive", writer, body("enabled", true, "startFromNow", true));
            assertThat(on.status()).as(on.toString()).isEqualTo(200);
            await(
                    "streaming",
                    () -> "STREAMING"
                            .equals(api.get("/api/v1/mailboxes/" + mailbox + "/receive", writer)
                                    .text("notifications")));
            assertThat(api.get("/api/v1/mailboxes/" + mailbox + "/receive", writer)
                            .text("notificationStatus"))
                    .isEqualTo("Streaming");
            // the first pass (start from now) has run
            await(
                    "the first pass",
                    () -> api.get("/api/v1/mailboxes/" + mailbox + "/deliveries", writer)
                                    .text("lastSyncAt")
                            != null);

            String read = apiKeys.create("stream reader", EnumSet.of(ApiKey.Scope.READ), "test")
                    .value();
            String metrics = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create("http://localhost:" + port + "/actuator/prometheus"))
                                    .header("Authorization", "Bearer " + read)
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics)
                    .contains("mailbridge_receive_watches{mode=\"STREAMING\"} 1.0")
                    .contains("mailbridge_receive_watches{mode=\"PULL\"} 0.0")
                    .contains("mailbridge_receive_streams 1.0");

            String mime = "From: Customer <customer@example.com>\r\nTo: " + address
                    + "\r\nSubject: Streamed order\r\nMessage-ID: <" + UUID.randomUUID() + "@example.com>\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n";
            emulator.exchange().store().deliver(address, mime.getBytes(StandardCharsets.UTF_8));
            await(
                    "the streamed message at the webhook",
                    () -> receiver.subjects().contains("Streamed order"));

            String broken = emulator.exchange()
                    .store()
                    .deliver(
                            address,
                            ("From: a@example.com\r\nTo: " + address + "\r\nSubject: Broken\r\n"
                                            + "Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n"
                                            + "Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                                            + "iVBO=R*w0K=\r\n--zz--\r\n")
                                    .getBytes(StandardCharsets.UTF_8));
            await(
                    "message.failed at the webhook",
                    () -> receiver.accepted().stream().anyMatch(r -> "message.failed".equals(r.event())));
            ReceiveApiTest.Receiver.Request failed = receiver.accepted().stream()
                    .filter(r -> "message.failed".equals(r.event()))
                    .findFirst()
                    .orElseThrow();
            assertThat(failed.signatureValid()).isTrue();
            assertThat(failed.body().get("data").get("itemId").asString()).isEqualTo(broken);
            assertThat(failed.body().get("data").get("folder").asString()).isEqualTo("inbox");
            assertThat(failed.body().get("data").get("reason").asString()).startsWith("the message cannot be parsed: ");
            assertThat(receiver.accepted())
                    .filteredOn(r -> "message.received".equals(r.event()))
                    .hasSize(1);

            Reply off = api.put("/api/v1/mailboxes/" + mailbox + "/receive", writer, body("enabled", false));
            assertThat(off.status()).isEqualTo(200);
            assertThat(off.text("notifications")).isNull();
            await(
                    "the subscription removed",
                    () -> emulator.exchange()
                            .notifications()
                            .subscriptionIds(address)
                            .isEmpty());
        }
    }
}
