package dev.mailbridge.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.SignInBrowser;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.server.api.ApiClient.Reply;
import dev.mailbridge.server.security.ApiKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * The journeys of issue 4 through the REST API, with API keys, against the emulator over HTTPS: the four
 * sign-in modes to a green Test Connection, a wrong client secret (AADSTS7000215 at the field), bad
 * input refused field by field with nothing created, scopes enforced, and no secret or token in any
 * response. Run once per database ({@link ApiJourneysH2Test}, {@link ApiJourneysPostgresTest}).
 *
 * <p>The delegated sign-in: the API returns the authorization URL; {@link SignInBrowser} plays Adele at
 * the emulator's sign-in pages up to the redirect to this server's {@code /oauth2/callback}, and a
 * browser signed in to the web UI ({@link UiSession}) follows it to the real callback; the API client
 * then sees the mailbox AUTHORIZED.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiJourneys {
    static final String TENANT = "contoso.onmicrosoft.com";
    static final String CLIENT_ID = "c0a7c0a7-0000-4000-8000-0000000000a1";
    static final String CLIENT_SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";
    static final String ADELE = "adele.vance@contoso.onmicrosoft.com";
    static final String ADELE_PASSWORD = "Adele-Passw0rd!";
    static final String NANCY = "nancy.davolio@northwind.local";
    static final String NANCY_PASSWORD = "Nancy-Passw0rd!";
    static final String SERVICE = "ews.service@northwind.local";
    static final String SERVICE_PASSWORD = "Ews-Service1!";
    static final String WRONG_SECRET = "Wrong8Q~this.is.not.the.secret.value.9999";
    static final String USER_PASSWORD = "correct horse battery staple";

    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static void properties(DynamicPropertyRegistry registry, TestDatabases.Kind kind) {
        TestDatabases.Target db = TestDatabases.fresh(kind);
        registry.add("mailbridge.database-url", db::url);
        if (db.user() != null) {
            registry.add("mailbridge.database-user", db::user);
        }
        String dataDir = TestDatabases.tempDir().toString();
        registry.add("mailbridge.data-dir", () -> dataDir);
        // Registered in the emulator's default app; Microsoft's redirect comes back here.
        registry.add("mailbridge.public-base-url", () -> "http://localhost:8080");
        registry.add("mailbridge.sweep-initial-delay", () -> "PT24H");
    }

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys apiKeys;

    @Autowired
    MailboxServices services;

    ApiClient api;
    String admin;
    String writer;
    String reader;

    /** Tokens seen in the store during the journeys: none may appear in a response. */
    final Set<String> tokens = new CopyOnWriteArraySet<>();

    @BeforeEach
    void keys() {
        if (api == null) {
            api = new ApiClient(port);
            // Bootstrapping: the first key is made with the ApiKeys bean, as an admin does in the UI.
            admin = apiKeys.create("test admin", EnumSet.allOf(ApiKey.Scope.class), "test")
                    .value();
            writer = apiKeys.create("test writer", EnumSet.of(ApiKey.Scope.WRITE), "test")
                    .value();
            reader = apiKeys.create("test reader", EnumSet.of(ApiKey.Scope.READ), "test")
                    .value();
        }
    }

    Emulator emulator() {
        return EMULATOR.emulator();
    }

    String ewsUrl() {
        return emulator().loginUrl() + emulator().exchange().ewsPath();
    }

    String caPem() {
        try {
            return Files.readString(emulator().caCertificate());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Map<String, Object> body(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    String organisation(String name) {
        Reply r = api.post("/api/v1/organisations", writer, body("name", name));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.text("id");
    }

    Map<String, Object> oauth(String name, String mode, String secret) {
        return oauth(emulator(), name, mode, secret);
    }

    /** The settings of a connection to the emulator's contoso tenant with its default web app. */
    static Map<String, Object> oauth(Emulator emulator, String name, String mode, String secret) {
        try {
            return body(
                    "name", name,
                    "signInMode", mode,
                    "ewsUrl", emulator.loginUrl() + emulator.exchange().ewsPath(),
                    "loginAuthority", emulator.loginUrl().toString(),
                    "tenantId", TENANT,
                    "clientId", CLIENT_ID,
                    "clientSecret", secret,
                    "trustedCaPem", Files.readString(emulator.caCertificate()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Map<String, Object> basic(String name, String mode, String user, String password) {
        return body(
                "name", name,
                "signInMode", mode,
                "ewsUrl", ewsUrl(),
                "username", user,
                "password", password,
                "trustedCaPem", caPem());
    }

    JsonNode connection(String org, Map<String, Object> settings) {
        Reply r = api.post("/api/v1/organisations/" + org + "/connections", writer, settings);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    String mailbox(String connection, String address) {
        Reply r = api.post("/api/v1/connections/" + connection + "/mailboxes", writer, body("address", address));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.get("status").get("status").asString()).isEqualTo("NOT_AUTHORIZED");
        return r.text("id");
    }

    JsonNode testConnection(String mailbox) {
        Reply r = api.post("/api/v1/mailboxes/" + mailbox + "/test", writer, null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    static List<String> steps(JsonNode report, String status) {
        List<String> names = new ArrayList<>();
        for (JsonNode s : report.get("steps")) {
            if (s.get("status").asString().equals(status)) {
                names.add(s.get("name").asString());
            }
        }
        return names;
    }

    void collectTokens(String mailboxId) {
        Mailbox m =
                services.stores().mailboxes().get(UUID.fromString(mailboxId)).orElseThrow();
        if (m.hasRefreshToken()) {
            services.stores()
                    .mailboxes()
                    .refreshTokens()
                    .load(mailboxId)
                    .map(Secret::reveal)
                    .ifPresent(tokens::add);
        }
        tokens.add(services.tokens().tokens(m).token().value().reveal());
    }

    @Test
    void delegatedJourney() throws Exception {
        String org = organisation("Contoso delegated");
        JsonNode c = connection(org, oauth("Adele delegated", "OAUTH_DELEGATED", CLIENT_SECRET));
        assertThat(c.get("clientSecretSet").asBoolean()).isTrue();
        assertThat(c.has("clientSecret")).isFalse();
        assertThat(c.get("missingForAuthorize")).isEmpty();
        assertThat(c.get("redirectUri").asString()).isEqualTo("http://localhost:8080/oauth2/callback");
        String connection = c.get("id").asString();
        String mailbox = mailbox(connection, ADELE);
        Reply admin = api.post(
                "/api/v1/users",
                this.admin,
                body("username", "owner-" + org, "password", USER_PASSWORD, "role", "ADMIN"));
        assertThat(admin.status()).as(admin.toString()).isEqualTo(201);

        Reply start = api.post("/api/v1/mailboxes/" + mailbox + "/authorize", writer, null);
        assertThat(start.status()).as(start.toString()).isEqualTo(200);
        assertThat(start.text("mode")).isEqualTo("DELEGATED");
        assertThat(start.text("authorizationUrl"))
                .startsWith(emulator().loginUrl().toString());
        assertThat(start.text("expiresAt")).isNotBlank();

        Map<String, String> callback = new SignInBrowser(emulator().sslContext())
                .signIn(
                        URI.create(start.text("authorizationUrl")),
                        start.text("redirectUri"),
                        SignInBrowser.Person.of(ADELE, ADELE_PASSWORD))
                .params();
        assertThat(callback).containsEntry("state", start.text("state")).containsKey("code");
        // The person's browser, signed in to the web UI, follows Microsoft's redirect to the real callback.
        String next =
                new UiSession(port).signIn("owner-" + org, USER_PASSWORD).callback(start.text("redirectUri"), callback);
        assertThat(next).as("the callback's answer").startsWith("302").contains("/mailboxes/" + mailbox);
        collectTokens(mailbox);

        Reply status = api.get("/api/v1/mailboxes/" + mailbox, reader);
        assertThat(status.get("status").get("status").asString()).isEqualTo("AUTHORIZED");
        assertThat(status.get("status").get("label").asString()).isEqualTo("Authorized");
        assertThat(status.get("refreshTokenStored").asBoolean()).isTrue();
        assertThat(status.text("signedInAs")).isEqualTo(ADELE);
        assertThat(status.text("authorizedAt")).isNotBlank();

        JsonNode report = testConnection(mailbox);
        assertThat(report.get("passed").asBoolean()).as(report.toString()).isTrue();
        assertThat(steps(report, "FAILED")).isEmpty();
        assertThat(steps(report, "SKIPPED")).as(report.toString()).isEmpty();

        Reply refresh = api.post("/api/v1/mailboxes/" + mailbox + "/refresh", writer, null);
        assertThat(refresh.status()).as(refresh.toString()).isEqualTo(200);
        assertThat(refresh.get("refreshed").asBoolean()).isTrue();
        assertThat(refresh.text("status")).isEqualTo("AUTHORIZED");
        collectTokens(mailbox);

        Reply history = api.get("/api/v1/mailboxes/" + mailbox + "/history", reader);
        assertThat(history.json().findValuesAsString("kind")).contains("AUTHORIZED", "TEST", "REFRESHED");
        Reply connectionHistory = api.get("/api/v1/connections/" + connection + "/history", reader);
        assertThat(connectionHistory.json().findValuesAsString("kind")).contains("CREATED", "AUTHORIZED");

        Reply folders = api.get("/api/v1/mailboxes/" + mailbox + "/folders", reader);
        assertThat(folders.status()).as(folders.toString()).isEqualTo(200);
        String inbox = null;
        for (JsonNode f : folders.json()) {
            if (f.get("path").asString().equalsIgnoreCase("Inbox")) {
                inbox = f.get("id").asString();
            }
        }
        assertThat(inbox).as(folders.toString()).isNotNull();
        Reply mapped = api.put(
                "/api/v1/mailboxes/" + mailbox + "/folder-mapping", writer, body("folders", Map.of("INCOMING", inbox)));
        assertThat(mapped.status()).as(mapped.toString()).isEqualTo(200);
        Reply mapping = api.get("/api/v1/mailboxes/" + mailbox + "/folder-mapping", reader);
        assertThat(mapping.json().get(0).get("role").asString()).isEqualTo("INCOMING");
        assertThat(mapping.json().get(0).get("folderId").asString()).isEqualTo(inbox);
        Reply badMapping = api.put(
                "/api/v1/mailboxes/" + mailbox + "/folder-mapping",
                writer,
                body("folders", Map.of("PROCESSED", "no-such-folder")));
        assertThat(badMapping.status()).isEqualTo(400);
        assertThat(badMapping.get("errors").get(0).get("field").asString()).isEqualTo("processed");

        // Changing the secret discards the tokens: re-authorization required.
        Map<String, Object> changed = oauth("Adele delegated", "OAUTH_DELEGATED", CLIENT_SECRET + "x");
        Reply update = api.put("/api/v1/connections/" + connection, writer, changed);
        assertThat(update.status()).as(update.toString()).isEqualTo(200);
        assertThat(api.get("/api/v1/mailboxes/" + mailbox, reader)
                        .get("status")
                        .get("status")
                        .asString())
                .isEqualTo("REAUTHORIZATION_REQUIRED");
    }

    /** Authorizes a delegated mailbox as its owner would: the API's URL, Microsoft's page, the real callback. */
    private void signInThroughTheCallback(String mailbox, String uiUser) throws Exception {
        UiSession.authorize(
                api,
                writer,
                port,
                mailbox,
                uiUser,
                USER_PASSWORD,
                emulator(),
                SignInBrowser.Person.of(ADELE, ADELE_PASSWORD));
        collectTokens(mailbox);
    }

    private JsonNode status(String mailbox) {
        return api.get("/api/v1/mailboxes/" + mailbox, reader).get("status");
    }

    @Test
    void lapsedAndRevokedSignInsAreExplainedAndReauthorizeFixesThem() throws Exception {
        String org = organisation("Contoso lapse");
        String connection = connection(org, oauth("Lapse", "OAUTH_DELEGATED", CLIENT_SECRET))
                .get("id")
                .asString();
        String mailbox = mailbox(connection, ADELE);
        String uiUser = "lapse-admin-" + org;
        assertThat(api.post(
                                "/api/v1/users",
                                admin,
                                body("username", uiUser, "password", USER_PASSWORD, "role", "ADMIN"))
                        .status())
                .isEqualTo(201);
        signInThroughTheCallback(mailbox, uiUser);
        assertThat(status(mailbox).get("status").asString()).isEqualTo("AUTHORIZED");

        // 91 days unused at Entra: the refresh token has lapsed (the emulator's clock only moves forward
        // here, so later sign-ins in this class stay valid).
        emulator().clock().advance(java.time.Duration.ofDays(91));
        Reply refresh = api.post("/api/v1/mailboxes/" + mailbox + "/refresh", writer, null);
        assertThat(refresh.status()).as(refresh.toString()).isEqualTo(200);
        assertThat(refresh.get("refreshed").asBoolean()).isFalse();
        JsonNode lapsed = status(mailbox);
        assertThat(lapsed.get("status").asString()).isEqualTo("REAUTHORIZATION_REQUIRED");
        assertThat(lapsed.get("code").asString()).isEqualTo("AADSTS700082");
        JsonNode event = api.get("/api/v1/mailboxes/" + mailbox + "/history", reader)
                .json()
                .get(0);
        assertThat(event.get("code").asString()).isEqualTo("AADSTS700082");
        assertThat(event.get("traceId").asString()).isNotBlank();
        signInThroughTheCallback(mailbox, uiUser);
        assertThat(status(mailbox).get("status").asString()).isEqualTo("AUTHORIZED");

        // An admin revokes Adele's sessions: the stored grant is dead (50173).
        emulator().clock().advance(java.time.Duration.ofMinutes(1));
        emulator().entra().directory().revokeSessions(TENANT, ADELE);
        emulator().clock().advance(java.time.Duration.ofMinutes(1));
        api.post("/api/v1/mailboxes/" + mailbox + "/refresh", writer, null);
        JsonNode revoked = status(mailbox);
        assertThat(revoked.get("status").asString()).isEqualTo("REVOKED");
        assertThat(revoked.get("code").asString()).isEqualTo("AADSTS50173");
        signInThroughTheCallback(mailbox, uiUser);
        assertThat(status(mailbox).get("status").asString()).isEqualTo("AUTHORIZED");
    }

    @Test
    void deviceCodeJourney() throws Exception {
        String org = organisation("Contoso headless");
        Map<String, Object> settings = new java.util.LinkedHashMap<>(oauth("Headless", "OAUTH_DELEGATED", null));
        settings.remove("clientSecret");
        settings.put("clientId", "c0a7c0a7-0000-4000-8000-0000000000b2"); // the emulator's public client
        String connection = connection(org, settings).get("id").asString();
        String mailbox = mailbox(connection, ADELE);

        Reply code = api.post("/api/v1/mailboxes/" + mailbox + "/device-code", writer, null);
        assertThat(code.status()).as(code.toString()).isEqualTo(200);
        new SignInBrowser(emulator().sslContext())
                .enterDeviceCode(
                        URI.create(code.text("verificationUri")),
                        code.text("userCode"),
                        SignInBrowser.Person.of(ADELE, "Adele-Passw0rd!"));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        String status;
        do {
            Thread.sleep(200);
            status = api.get("/api/v1/mailboxes/" + mailbox, reader)
                    .get("status")
                    .get("status")
                    .asString();
        } while (!status.equals("AUTHORIZED") && System.nanoTime() < deadline);
        assertThat(status).isEqualTo("AUTHORIZED");
        collectTokens(mailbox);
        assertThat(testConnection(mailbox).get("passed").asBoolean()).isTrue();
    }

    @Test
    void appOnlyJourney() {
        String org = organisation("Contoso app-only");
        String connection = connection(org, oauth("App-only", "OAUTH_APP_ONLY", CLIENT_SECRET))
                .get("id")
                .asString();
        String mailbox = mailbox(connection, ADELE);
        Reply consent = api.get("/api/v1/connections/" + connection + "/consent-url", reader);
        assertThat(consent.text("adminConsentUrl")).contains("/adminconsent?client_id=" + CLIENT_ID);

        Reply auth = api.post("/api/v1/mailboxes/" + mailbox + "/authorize", writer, null);
        assertThat(auth.status()).as(auth.toString()).isEqualTo(200);
        assertThat(auth.text("mode")).isEqualTo("APP_ONLY");
        assertThat(auth.get("mailbox").get("status").get("status").asString()).isEqualTo("AUTHORIZED");
        collectTokens(mailbox);

        JsonNode report = testConnection(mailbox);
        assertThat(report.get("passed").asBoolean()).as(report.toString()).isTrue();
        assertThat(steps(report, "FAILED")).isEmpty();
        assertThat(api.get("/api/v1/mailboxes/" + mailbox, reader)
                        .get("status")
                        .get("status")
                        .asString())
                .isEqualTo("AUTHORIZED");
    }

    @Test
    void basicJourney() {
        String org = organisation("Northwind basic");
        JsonNode c = connection(org, basic("Nancy basic", "BASIC", NANCY, NANCY_PASSWORD));
        assertThat(c.get("passwordSet").asBoolean()).isTrue();
        assertThat(c.has("password")).isFalse();
        String mailbox = mailbox(c.get("id").asString(), NANCY);

        JsonNode report = testConnection(mailbox);
        assertThat(report.get("passed").asBoolean()).as(report.toString()).isTrue();
        assertThat(steps(report, "FAILED")).isEmpty();

        Reply auth = api.post("/api/v1/mailboxes/" + mailbox + "/authorize", writer, null);
        assertThat(auth.status()).isEqualTo(409);
        assertThat(auth.contentType()).startsWith("application/problem+json");
    }

    @Test
    void basicImpersonatedJourney() {
        String org = organisation("Northwind impersonated");
        String connection = connection(org, basic("Service account", "BASIC_IMPERSONATED", SERVICE, SERVICE_PASSWORD))
                .get("id")
                .asString();
        String mailbox = mailbox(connection, NANCY);
        JsonNode report = testConnection(mailbox);
        assertThat(report.get("passed").asBoolean()).as(report.toString()).isTrue();
        assertThat(steps(report, "FAILED")).isEmpty();
    }

    @Test
    void wrongClientSecretIsShownAtTheField() {
        String org = organisation("Contoso wrong secret");
        String connection = connection(org, oauth("Wrong secret", "OAUTH_APP_ONLY", WRONG_SECRET))
                .get("id")
                .asString();
        String mailbox = mailbox(connection, ADELE);
        Reply auth = api.post("/api/v1/mailboxes/" + mailbox + "/authorize", writer, null);
        assertThat(auth.status()).as(auth.toString()).isEqualTo(422);
        assertThat(auth.contentType()).startsWith("application/problem+json");
        assertThat(auth.text("code")).isEqualTo("AADSTS7000215");
        assertThat(auth.text("field")).isEqualTo("clientSecret");
        assertThat(auth.text("fix")).isNotBlank();
        assertThat(auth.text("traceId")).isNotBlank();
        assertThat(auth.text("correlationId")).isNotBlank();
        assertThat(auth.get("errors").get(0).get("field").asString()).isEqualTo("clientSecret");

        Reply status = api.get("/api/v1/mailboxes/" + mailbox, reader);
        assertThat(status.get("status").get("status").asString()).isEqualTo("FAILING");
        assertThat(status.get("status").get("code").asString()).isEqualTo("AADSTS7000215");
        Reply history = api.get("/api/v1/mailboxes/" + mailbox + "/history", reader);
        assertThat(history.json().findValuesAsString("code")).contains("AADSTS7000215");
    }

    @Test
    void badInputGetsFieldMessagesAndChangesNothing() {
        String org = organisation("Contoso bad input");
        Map<String, Object> bad = oauth("Bad", "OAUTH_DELEGATED", CLIENT_SECRET);
        bad.put("tenantId", "not a tenant!");
        bad.put("clientId", "12345");
        bad.put("ewsUrl", "http://mail.contoso.com/EWS/Exchange.asmx");
        Reply r = api.post("/api/v1/organisations/" + org + "/connections", writer, bad);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.get("errors").findValuesAsString("field")).contains("tenantId", "clientId", "ewsUrl");
        assertThat(api.get("/api/v1/organisations/" + org + "/connections", reader)
                        .json())
                .isEmpty();

        Reply check = api.post("/api/v1/connections/check", writer, bad);
        assertThat(check.get("valid").asBoolean()).isFalse();

        Reply badEnum = api.post(
                "/api/v1/organisations/" + org + "/connections", writer, body("name", "x", "signInMode", "PIGEON"));
        assertThat(badEnum.status()).isEqualTo(400);
        assertThat(badEnum.get("errors").get(0).get("field").asString()).isEqualTo("signInMode");

        Reply notJson = api.post("/api/v1/organisations", writer, "{not json");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body()).doesNotContain("Exception", "at dev.", "at org.", "tools.jackson");

        Reply badMailbox = api.post(
                "/api/v1/connections/"
                        + connection(org, basic("ok", "BASIC", NANCY, NANCY_PASSWORD))
                                .get("id")
                                .asString()
                        + "/mailboxes",
                writer,
                body("address", "nobody"));
        assertThat(badMailbox.status()).isEqualTo(400);
        assertThat(badMailbox.get("errors").get(0).get("field").asString()).isEqualTo("address");

        Reply dup = api.post("/api/v1/organisations", writer, body("name", "Contoso bad input"));
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.get("errors").get(0).get("field").asString()).isEqualTo("name");
    }

    @Test
    void organisationsCrudAndNotFound() {
        String org = organisation("Fabrikam");
        assertThat(api.get("/api/v1/organisations/" + org, reader).text("name")).isEqualTo("Fabrikam");
        Reply renamed = api.put("/api/v1/organisations/" + org, writer, body("name", "Fabrikam Ltd"));
        assertThat(renamed.text("name")).isEqualTo("Fabrikam Ltd");
        assertThat(api.get("/api/v1/organisations", reader).json().findValuesAsString("name"))
                .contains("Fabrikam Ltd");
        assertThat(api.delete("/api/v1/organisations/" + org, writer).status()).isEqualTo(204);
        Reply gone = api.get("/api/v1/organisations/" + org, reader);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.contentType()).startsWith("application/problem+json");
        assertThat(api.get("/api/v1/mailboxes/" + UUID.randomUUID(), reader).status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/connections/not-a-uuid", reader).status()).isEqualTo(404);
    }

    @Test
    void scopesAreEnforced() {
        Reply write = api.post("/api/v1/organisations", reader, body("name", "Read only"));
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.contentType()).startsWith("application/problem+json");
        assertThat(api.get("/api/v1/organisations", reader).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/api-keys", writer).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/users", writer).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/admin/audit", reader).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/organisations", "mbk_notARealKeyButLongEnough1234567890")
                        .status())
                .isEqualTo(401);
    }

    @Test
    void administration() {
        Reply created = api.post("/api/v1/api-keys", admin, body("name", "ticketing", "scopes", List.of("READ")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String value = created.text("value");
        assertThat(value).startsWith("mbk_");
        String id = created.get("key").get("id").asString();
        assertThat(api.get("/api/v1/organisations", value).status()).isEqualTo(200);
        Reply list = api.get("/api/v1/api-keys", admin);
        assertThat(list.body()).doesNotContain(value).doesNotContain("sha256:");
        assertThat(list.json().findValuesAsString("name")).contains("ticketing");
        assertThat(api.delete("/api/v1/api-keys/" + id, admin).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/organisations", value).status()).isEqualTo(401);
        Reply noScopes = api.post("/api/v1/api-keys", admin, body("name", "", "scopes", List.of()));
        assertThat(noScopes.get("errors").findValuesAsString("field")).contains("name", "scopes");

        Reply user =
                api.post("/api/v1/users", admin, body("username", "grace", "password", USER_PASSWORD, "role", "ADMIN"));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        assertThat(user.body()).doesNotContain(USER_PASSWORD).doesNotContain("{bcrypt}");
        Reply shortPassword =
                api.post("/api/v1/users", admin, body("username", "hopper", "password", "short", "role", "ADMIN"));
        assertThat(shortPassword.status()).isEqualTo(400);
        assertThat(shortPassword.get("errors").get(0).get("field").asString()).isEqualTo("password");
        assertThat(api.get("/api/v1/users", admin).json().findValuesAsString("username"))
                .contains("grace");

        Reply settings = api.put(
                "/api/v1/admin/settings", admin, body("proxy-host", "proxy.corp.example", "proxy-port", "3128"));
        assertThat(settings.status()).as(settings.toString()).isEqualTo(200);
        assertThat(settings.text("proxy-host")).isEqualTo("proxy.corp.example");
        Reply badSetting = api.put("/api/v1/admin/settings", admin, body("proxy-port", "99999", "no-such", "x"));
        assertThat(badSetting.status()).isEqualTo(400);
        assertThat(badSetting.get("errors").findValuesAsString("field")).contains("proxy-port", "no-such");
        assertThat(api.get("/api/v1/admin/settings", admin).text("proxy-port")).isEqualTo("3128");
        // Every connection now goes through the proxy, which does not exist: Test Connection says so.
        assertThat(api.put("/api/v1/admin/settings", admin, body("proxy-host", "", "proxy-port", ""))
                        .status())
                .isEqualTo(200);
        assertThat(api.get("/api/v1/admin/settings", admin).json().has("proxy-host"))
                .isFalse();

        Reply audit = api.get("/api/v1/admin/audit?limit=50", admin);
        assertThat(audit.json().findValuesAsString("action"))
                .contains("apikey.create", "apikey.revoke", "user.create", "settings.update");
    }

    /** Last: every body and header any test received, checked for every secret and token there was. */
    @AfterAll
    void noSecretOrTokenInAnyResponse() {
        List<String> secrets = new ArrayList<>(List.of(
                CLIENT_SECRET,
                WRONG_SECRET,
                ADELE_PASSWORD,
                NANCY_PASSWORD,
                SERVICE_PASSWORD,
                USER_PASSWORD,
                admin,
                writer,
                reader));
        assertThat(tokens).as("tokens were collected to look for").isNotEmpty();
        secrets.addAll(tokens);
        assertThat(api.seen).isNotEmpty();
        for (String body : api.seen) {
            for (String secret : secrets) {
                assertThat(body).as("a response leaked a secret").doesNotContain(secret);
            }
        }
    }
}
