package dev.mailbridge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.core.connect.AuthorizationFailure;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.SignInBrowser;
import dev.mailbridge.emulator.junit.SignInBrowser.Person;
import dev.mailbridge.identity.Secret;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * After real sign-ins in every mode, successful and failed, no secret, password or token is found in
 * plain text in any column of any table (here on PostgreSQL) or anywhere in the log output.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class NoSecretLeakTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static final String WEB_SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";
    static final String NANCY_PASSWORD = "Nancy-Passw0rd!";
    static final String PROXY_PASSWORD = "proxy-Passw0rd-not-used";
    static final URI CALLBACK = URI.create("http://localhost:8080/oauth2/callback");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws Exception {
        TestDatabases.Target db = TestDatabases.fresh(TestDatabases.Kind.POSTGRESQL);
        registry.add("mailbridge.database-url", db::url);
        registry.add("mailbridge.database-user", db::user);
        Path dir = Files.createTempDirectory("mailbridge-leak");
        registry.add("mailbridge.data-dir", dir::toString);
    }

    @Autowired
    MailboxServices services;

    @Autowired
    Stores stores;

    @Autowired
    DataSource dataSource;

    @Test
    void noSecretOrTokenIsStoredOrLoggedInPlainText(CapturedOutput output) throws Exception {
        Emulator emulator = EMULATOR.emulator();
        String ca = Files.readString(emulator.caCertificate());
        String ews = emulator.loginUrl() + "/EWS/Exchange.asmx";
        UUID org =
                services.connections().createOrganisation("Leak check", "test").id();
        List<String> secrets = new ArrayList<>(List.of(WEB_SECRET, NANCY_PASSWORD, PROXY_PASSWORD));

        // Delegated: sign in, refresh, test.
        UUID delegated = services.connections()
                .create(
                        org,
                        ConnectionSettings.builder("Delegated", SignInMode.OAUTH_DELEGATED)
                                .ewsUrl(ews)
                                .loginAuthority(emulator.loginUrl().toString())
                                .tenantId("contoso.onmicrosoft.com")
                                .clientId("c0a7c0a7-0000-4000-8000-0000000000a1")
                                .clientSecret(Secret.of(WEB_SECRET))
                                .trustedCaPem(ca)
                                .build(),
                        "test")
                .id();
        Mailbox adele = services.connections()
                .addMailbox(delegated, "adele.vance@contoso.onmicrosoft.com", Optional.empty(), "test");
        var redirect = services.authorizations().start(adele.id(), CALLBACK, "test");
        var callback = new SignInBrowser(emulator.sslContext())
                .signIn(
                        redirect.authorizationUrl(),
                        CALLBACK.toString(),
                        Person.of("adele.vance@contoso.onmicrosoft.com", "Adele-Passw0rd!"))
                .params();
        secrets.add(callback.get("code"));
        services.authorizations().complete(callback);
        services.tokens().refresh(adele.id());
        assertThat(services.tester().test(adele.id(), "test").passed()).isTrue();
        secrets.add(stores.mailboxes()
                .refreshTokens()
                .load(adele.id().toString())
                .orElseThrow()
                .reveal());
        secrets.add(services.tokens().tokens(adele).token().value().reveal());

        // App-only and basic, with a proxy password that is stored but not used (no proxy host is reachable).
        UUID appOnly = services.connections()
                .create(
                        org,
                        ConnectionSettings.builder("App-only", SignInMode.OAUTH_APP_ONLY)
                                .ewsUrl(ews)
                                .loginAuthority(emulator.loginUrl().toString())
                                .tenantId("contoso.onmicrosoft.com")
                                .clientId("c0a7c0a7-0000-4000-8000-0000000000a1")
                                .clientSecret(Secret.of(WEB_SECRET))
                                .trustedCaPem(ca)
                                .build(),
                        "test")
                .id();
        Mailbox app = services.connections()
                .addMailbox(appOnly, "adele.vance@contoso.onmicrosoft.com", Optional.empty(), "test");
        services.authorizations().authorizeAppOnly(app.id(), "test");
        assertThat(services.tester().test(app.id(), "test").passed()).isTrue();
        secrets.add(services.tokens()
                .appTokens(stores.connections().get(appOnly).orElseThrow())
                .token()
                .value()
                .reveal());

        UUID basic = services.connections()
                .create(
                        org,
                        ConnectionSettings.builder("Basic", SignInMode.BASIC)
                                .ewsUrl(ews)
                                .username("nancy.davolio@northwind.local")
                                .password(Secret.of(NANCY_PASSWORD))
                                .trustedCaPem(ca)
                                .build(),
                        "test")
                .id();
        Mailbox nancy =
                services.connections().addMailbox(basic, "nancy.davolio@northwind.local", Optional.empty(), "test");
        assertThat(services.tester().test(nancy.id(), "test").passed()).isTrue();
        UUID proxied = services.connections()
                .create(
                        org,
                        ConnectionSettings.builder("Proxied", SignInMode.BASIC)
                                .ewsUrl(ews)
                                .username("nancy.davolio@northwind.local")
                                .password(Secret.of(NANCY_PASSWORD))
                                .proxy("proxy.invalid", 3128)
                                .proxyCredentials("proxyuser", Secret.of(PROXY_PASSWORD))
                                .build(),
                        "test")
                .id();
        services.tester()
                .test(
                        services.connections()
                                .addMailbox(proxied, "nancy.davolio@northwind.local", Optional.empty(), "test")
                                .id(),
                        "test");

        // A failure: a wrong secret, with Entra's full error in history and logs.
        services.connections()
                .update(
                        delegated,
                        stores.connections().get(delegated).map(NoSecretLeakTest::settingsOf).orElseThrow().toBuilder()
                                .clientSecret(Secret.of("Mbr8Q~wrong.secret.for.the.leak.test"))
                                .build(),
                        "test");
        secrets.add("Mbr8Q~wrong.secret.for.the.leak.test");
        var again = services.authorizations().start(adele.id(), CALLBACK, "test");
        var failedCallback = new SignInBrowser(emulator.sslContext())
                .signIn(
                        again.authorizationUrl(),
                        CALLBACK.toString(),
                        Person.of("adele.vance@contoso.onmicrosoft.com", "Adele-Passw0rd!"))
                .params();
        secrets.add(failedCallback.get("code"));
        assertThatThrownBy(() -> services.authorizations().complete(failedCallback))
                .isInstanceOf(AuthorizationFailure.class);

        List<String> everything = dumpDatabase();
        assertThat(everything).as("rows read from the database").hasSizeGreaterThan(20);
        for (String secret : secrets) {
            assertThat(secret).isNotBlank();
            assertThat(everything).noneMatch(v -> v.contains(secret));
            assertThat(output.getAll()).doesNotContain(secret);
        }
    }

    @Autowired
    dev.mailbridge.server.security.ApiKeys apiKeys;

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    @Test
    void prometheusShowsMailboxesPerStatusToAKeyHolderOnly() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        URI metrics = URI.create("http://localhost:" + port + "/actuator/prometheus");
        var anonymous = http.send(
                java.net.http.HttpRequest.newBuilder(metrics).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        String key = apiKeys.create("prometheus", java.util.Set.of(dev.mailbridge.core.model.ApiKey.Scope.READ), "test")
                .value();
        var scraped = http.send(
                java.net.http.HttpRequest.newBuilder(metrics)
                        .header("Authorization", "Bearer " + key)
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body())
                .contains("mailbridge_mailboxes{status=\"REAUTHORIZATION_REQUIRED\"}")
                .contains("mailbridge_mailboxes{status=\"AUTHORIZED\"}")
                .contains("mailbridge_token_refreshes_total{outcome=\"failure\"}");
        var health = http.send(
                java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
    }

    private static ConnectionSettings settingsOf(dev.mailbridge.core.model.Connection c) {
        return ConnectionSettings.builder(c.name(), c.signInMode())
                .ewsUrl(c.ewsUrl().orElse(null))
                .loginAuthority(c.loginAuthority().orElse(null))
                .tenantId(c.tenantId().orElse(null))
                .clientId(c.clientId().orElse(null))
                .trustedCaPem(c.trustedCaPem().orElse(null))
                .build();
    }

    /** Every value of every column of every table in the schema, as text. */
    private List<String> dumpDatabase() throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertThat(tables).contains("connection", "mailbox", "history", "audit_log");
            for (String table : tables) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            String v = rs.getString(i);
                            if (v != null) {
                                values.add(v);
                            }
                        }
                    }
                }
            }
        }
        return values;
    }
}
