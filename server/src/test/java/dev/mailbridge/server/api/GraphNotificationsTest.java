package dev.mailbridge.server.api;

import static dev.mailbridge.server.api.ReceiveApiTest.await;
import static dev.mailbridge.server.api.ReceiveApiTest.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.core.connect.ContosoApp;
import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.emulator.Cloud;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.server.api.ApiClient.Reply;
import dev.mailbridge.server.security.ApiKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code POST /graph/notifications} over real HTTP, without a session, a CSRF token or an API key, as
 * Microsoft Graph calls it: the validation handshake, notifications answered 202, a body that is not a
 * notification refused. And a Graph mailbox received through the server: the public base URL is the
 * server's own loopback address (allowed because the emulator's Graph is local too), nothing polls, so mail
 * reaches the webhook only because Graph's notification to this endpoint started a sync.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class GraphNotificationsTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static final int PORT = freePort();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ApiClient.embeddedServer(registry);
        registry.add("server.port", () -> PORT);
        registry.add("mailbridge.public-base-url", () -> "http://localhost:" + PORT);
        // nothing polls during the test: only notifications can start a sync
        registry.add("mailbridge.poll-interval", () -> "PT1H");
        registry.add("mailbridge.poll-initial-delay", () -> "PT1H");
        registry.add("mailbridge.receive.watch-check", () -> "PT1H");
        registry.add("mailbridge.delivery.retry-base", () -> "PT0.2S");
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Autowired
    ApiKeys apiKeys;

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> post(String query, String contentType, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + PORT + "/graph/notifications" + query))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersTheHandshakeAndAcceptsNotificationsWithoutCsrfOrSignIn() throws Exception {
        String token = "Validation: Testing client application reachability for subscription Request-Id: "
                + UUID.randomUUID() + " & more=1";
        HttpResponse<String> handshake = post(
                "?validationToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8),
                "text/plain; charset=utf-8",
                "");
        assertThat(handshake.statusCode()).as(handshake.body()).isEqualTo(200);
        assertThat(handshake.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(handshake.body()).isEqualTo(token);
        assertThat(handshake.headers().firstValue("Set-Cookie"))
                .as("no session")
                .isEmpty();

        HttpResponse<String> unknown = post(
                "",
                "application/json",
                "{\"value\":[{\"subscriptionId\":\"" + UUID.randomUUID()
                        + "\",\"changeType\":\"created\",\"clientState\":\"x\",\"resource\":\"Users/a/Messages/b\"}]}");
        assertThat(unknown.statusCode())
                .as("accepted, and ignored: not our subscription")
                .isEqualTo(202);
        assertThat(unknown.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<String> notJson = post("", "application/json", "<html>");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).startsWith("Not a Microsoft Graph notification: ");

        HttpResponse<String> other = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + PORT + "/mailboxes"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode())
                .as("the rest of the UI still wants CSRF and a session")
                .isEqualTo(403);
    }

    @Test
    void aGraphMailboxReceivesThroughGraphNotificationsToTheServer() throws Exception {
        Emulator emulator = EMULATOR.emulator();
        ApiClient api = new ApiClient(PORT);
        String writer = apiKeys.create("graph writer", EnumSet.of(ApiKey.Scope.WRITE), "test")
                .value();
        Reply org = api.post("/api/v1/organisations", writer, Map.of("name", "Contoso Graph"));
        org.expect(201);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("name", "Contoso app over Graph");
        settings.put("transport", "GRAPH");
        settings.put("signInMode", "OAUTH_APP_ONLY");
        settings.put("ewsUrl", emulator.loginUrl() + "/EWS/Exchange.asmx");
        settings.put("graphUrl", emulator.graphUrl(Cloud.GLOBAL).toString());
        settings.put("loginAuthority", emulator.loginUrl().toString());
        settings.put("tenantId", ContosoApp.TENANT);
        settings.put("clientId", ContosoApp.CLIENT_ID);
        settings.put("clientSecret", ContosoApp.CLIENT_SECRET);
        settings.put("trustedCaPem", Files.readString(emulator.caCertificate()));
        Reply conn = api.post("/api/v1/organisations/" + org.text("id") + "/connections", writer, settings);
        conn.expect(201);

        try (ReceiveApiTest.Receiver receiver = new ReceiveApiTest.Receiver()) {
            Reply t = api.post(
                    "/api/v1/delivery-targets",
                    writer,
                    body("name", "Graph desk", "kind", "WEBHOOK", "url", receiver.url()));
            t.expect(201);
            receiver.secret = t.text("generatedSecret");

            String address = ContosoApp.newMailbox(emulator, "graphserver");
            Reply m =
                    api.post("/api/v1/connections/" + conn.text("id") + "/mailboxes", writer, body("address", address));
            m.expect(201);
            String mailbox = m.text("id");
            // app-only: authorized once the app gets a token (the connection test checks EWS, not Graph)
            api.post("/api/v1/mailboxes/" + mailbox + "/authorize", writer, null)
                    .expect(200);

            api.put("/api/v1/mailboxes/" + mailbox + "/receive", writer, body("enabled", true, "startFromNow", true))
                    .expect(200);
            await(
                    "Graph notifications",
                    () -> "GRAPH"
                            .equals(api.get("/api/v1/mailboxes/" + mailbox + "/receive", writer)
                                    .text("notifications")));
            assertThat(emulator.graph().subscriptions().describe().findValuesAsText("notificationUrl"))
                    .contains("http://localhost:" + PORT + "/graph/notifications");
            assertThat(emulator.exchange().notifications().subscriptionIds(address))
                    .as("never over EWS")
                    .isEmpty();
            await(
                    "the first pass",
                    () -> api.get("/api/v1/mailboxes/" + mailbox + "/deliveries", writer)
                                    .text("lastSyncAt")
                            != null);

            String mime = "From: Customer <customer@example.com>\r\nTo: " + address
                    + "\r\nSubject: Notified order\r\nMessage-ID: <" + UUID.randomUUID() + "@example.com>\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n";
            emulator.exchange().store().deliver(address, mime.getBytes(StandardCharsets.UTF_8));
            await(
                    "the notified message at the webhook",
                    () -> receiver.subjects().contains("Notified order"));

            api.put("/api/v1/mailboxes/" + mailbox + "/receive", writer, body("enabled", false))
                    .expect(200);
            await(
                    "the Graph subscription deleted",
                    () -> !emulator.graph()
                            .subscriptions()
                            .describe()
                            .findValuesAsText("notificationUrl")
                            .contains("http://localhost:" + PORT + "/graph/notifications"));
        }
    }
}
