package dev.mailbridge.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.emulator.Cloud;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.server.api.ApiClient.Reply;
import dev.mailbridge.server.security.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Switch to Graph through the API on an Exchange Online mailbox that received over EWS: the check first, the
 * switch (a last EWS pass takes what arrived meanwhile), then receiving over Graph delivers only new mail;
 * a second switch is refused with the reason.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SwitchToGraphApiTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ApiClient.embeddedServer(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys apiKeys;

    /** An app-only Contoso connection through the API, with an authorized mailbox of a new user of its own. */
    record Setup(ApiClient api, String admin, String connection, String mailbox, String address, Reply created) {}

    Setup setUp(String prefix, String clientId, String secret, String transport) {
        Emulator emulator = EMULATOR.emulator();
        String address = prefix + "." + UUID.randomUUID().toString().substring(0, 8) + "@" + ApiJourneys.TENANT;
        emulator.entra()
                .directory()
                .createUser(
                        ApiJourneys.TENANT,
                        JsonNodeFactory.instance.objectNode().put("upn", address));
        ApiClient api = new ApiClient(port);
        String admin = apiKeys.create(prefix + " admin", EnumSet.allOf(ApiKey.Scope.class), "test")
                .value();
        Reply org = api.post("/api/v1/organisations", admin, Map.of("name", "Contoso " + prefix));
        org.expect(201);
        Map<String, Object> settings = ApiJourneys.oauth(emulator, "Contoso app", "OAUTH_APP_ONLY", secret);
        settings.put("clientId", clientId);
        settings.put("transport", transport);
        settings.put("graphUrl", emulator.graphUrl(Cloud.GLOBAL).toString());
        Reply conn = api.post("/api/v1/organisations/" + org.text("id") + "/connections", admin, settings);
        conn.expect(201);
        String id = api.post("/api/v1/connections/" + conn.text("id") + "/mailboxes", admin, Map.of("address", address))
                .expect(201)
                .text("id");
        api.post("/api/v1/mailboxes/" + id + "/authorize", admin, null).expect(200); // app-only: a token is the grant
        return new Setup(api, admin, conn.text("id"), id, address, conn);
    }

    @Test
    void aMailboxWithHistoryMovesToGraphWithoutRepeatingAMessage() {
        Emulator emulator = EMULATOR.emulator();
        Setup s = setUp("switch", ApiJourneys.CLIENT_ID, ApiJourneys.CLIENT_SECRET, "EWS");
        ApiClient api = s.api();
        String admin = s.admin();
        String connection = s.connection();
        String id = s.mailbox();
        String address = s.address();
        assertThat(s.created().get("notices")).hasSize(1);
        api.put("/api/v1/mailboxes/" + id + "/receive", admin, Map.of("enabled", true, "startFromNow", false))
                .expect(200);
        deliver(emulator, address, "old 1");
        deliver(emulator, address, "old 2");
        api.post("/api/v1/mailboxes/" + id + "/sync", admin, Map.of()).expect(200); // a watch may have been first
        assertThat(subjects(api, admin, id)).containsExactlyInAnyOrder("old 1", "old 2");
        deliver(emulator, address, "meanwhile");

        Reply check = api.get("/api/v1/connections/" + connection + "/switch-to-graph", admin);
        check.expect(200);
        assertThat(check.get("ok").asBoolean()).as(check.toString()).isTrue();

        Reply switched = api.post("/api/v1/connections/" + connection + "/switch-to-graph", admin, Map.of());
        switched.expect(200);
        assertThat(switched.get("mailboxes").get(0).get("lastEwsPassError").isNull())
                .as(switched.toString())
                .isTrue();
        assertThat(subjects(api, admin, id))
                .as("the last EWS pass took what had arrived")
                .containsExactlyInAnyOrder("old 1", "old 2", "meanwhile");
        Reply after = api.get("/api/v1/connections/" + connection, admin);
        assertThat(after.text("transport")).isEqualTo("GRAPH");
        assertThat(after.get("notices")).isEmpty();
        assertThat(api.get("/api/v1/mailboxes/" + id, admin)
                        .get("status")
                        .get("status")
                        .asString())
                .isEqualTo("AUTHORIZED");

        // wait-for-message (test automation) over Graph: the message arrives while the call waits
        java.time.Instant beforeNew = java.time.Instant.now().minusSeconds(1);
        deliver(emulator, address, "new");
        Reply waited = api.post(
                "/api/v1/mailboxes/" + id + "/messages/wait",
                admin,
                Map.of("subject", "^new$", "timeoutSeconds", 30, "since", beforeNew.toString()));
        assertThat(waited.status()).as(waited.toString()).isEqualTo(200);
        assertThat(waited.get("message").get("subject").asString()).isEqualTo("new");
        api.post("/api/v1/mailboxes/" + id + "/sync", admin, Map.of()).expect(200);
        api.post("/api/v1/mailboxes/" + id + "/sync", admin, Map.of()).expect(200);
        assertThat(subjects(api, admin, id))
                .as("over Graph only the new message; nothing twice")
                .containsExactlyInAnyOrder("old 1", "old 2", "meanwhile", "new");

        // sending goes over Graph now, into Sent Items as before
        int sentBefore = emulator.exchange().store().count(address, "sentitems");
        Reply sent = api.post(
                "/api/v1/mailboxes/" + id + "/send",
                admin,
                Map.of("to", java.util.List.of(address), "subject", "Reply over Graph", "text", "Thanks."));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
        assertThat(emulator.exchange().store().count(address, "sentitems")).isEqualTo(sentBefore + 1);
        assertThat(emulator.exchange().store().subjects(address, "inbox")).contains("Reply over Graph");

        Reply again = api.post("/api/v1/connections/" + connection + "/switch-to-graph", admin, Map.of());
        again.expect(400);
        assertThat(again.body()).contains("already uses Microsoft Graph");
    }

    @Test
    void graphRefusingToSendIsA403ThatSaysWhatToAdd() {
        Emulator emulator = EMULATOR.emulator();
        String clientId = UUID.randomUUID().toString();
        var spec = JsonNodeFactory.instance
                .objectNode()
                .put("clientId", clientId)
                .put("clientSecret", "Nos8Q~no.send.app.secret.value.00")
                .put("adminConsented", true);
        spec.putArray("application").add("https://graph.microsoft.com/Mail.ReadWrite");
        emulator.entra().directory().createApp(ApiJourneys.TENANT, spec);
        Setup s = setUp("nosend", clientId, "Nos8Q~no.send.app.secret.value.00", "GRAPH");
        ApiClient api = s.api();
        String admin = s.admin();
        String id = s.mailbox();
        String address = s.address();

        Reply sent = api.post(
                "/api/v1/mailboxes/" + id + "/send",
                admin,
                Map.of("to", java.util.List.of(address), "subject", "Not allowed", "text", "x"));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(403);
        assertThat(sent.text("title")).isEqualTo("Microsoft Graph denied access");
        assertThat(sent.text("fix")).isNotBlank();
        assertThat(sent.body()).doesNotContain("Nos8Q~").doesNotContain("eyJ");
    }

    static java.util.List<String> subjects(ApiClient api, String key, String mailbox) {
        java.util.List<String> out = new java.util.ArrayList<>();
        api.get("/api/v1/mailboxes/" + mailbox + "/messages?limit=100", key)
                .expect(200)
                .json()
                .forEach(m -> out.add(m.get("message").get("subject").asString()));
        return out;
    }

    static void deliver(Emulator emulator, String address, String subject) {
        String mime = "From: customer@example.com\r\nTo: " + address + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + UUID.randomUUID() + "@example.com>\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n";
        emulator.exchange().store().deliver(address, mime.getBytes(StandardCharsets.UTF_8));
    }
}
