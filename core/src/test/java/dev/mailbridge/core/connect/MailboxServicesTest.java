package dev.mailbridge.core.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.core.connect.ConnectionTester.StepStatus;
import dev.mailbridge.core.connect.ConnectionTester.TestReport;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.FolderRole;
import dev.mailbridge.core.model.HistoryEvent;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.SignInBrowser;
import dev.mailbridge.emulator.junit.SignInBrowser.Person;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.http.HttpSettings;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connecting mailboxes end to end against the emulator over HTTPS: every sign-in mode, Test Connection,
 * the token lifecycle on the emulator's clock, and the failures people meet, each with its code.
 */
class MailboxServicesTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static final URI CALLBACK = URI.create("http://localhost:8080/oauth2/callback");
    static final String WEB_APP = "c0a7c0a7-0000-4000-8000-0000000000a1";
    static final String WEB_SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";
    static final String ADELE = "adele.vance@contoso.onmicrosoft.com";
    static final String NANCY = "nancy.davolio@northwind.local";

    Emulator emulator;
    MailboxServices services;
    Stores stores;
    UUID org;
    String ca;

    @BeforeEach
    void setUp() throws Exception {
        emulator = EMULATOR.emulator();
        stores = new Stores(
                TestDatabases.open(TestDatabases.Kind.H2), new Vault(KeyRing.of(KeyRing.newKey())), emulator.clock());
        services = new MailboxServices(
                stores,
                emulator.clock(),
                HttpSettings.defaults(),
                Duration.ofDays(7),
                Variables.of(Map.of("NORTHWIND_USER", NANCY, "NORTHWIND_PASSWORD", "Nancy-Passw0rd!")));
        org = services.connections().createOrganisation("Contoso", "test").id();
        ca = Files.readString(emulator.caCertificate());
    }

    @AfterEach
    void resetClock() {
        emulator.clock().reset();
    }

    String ews() {
        return emulator.loginUrl() + "/EWS/Exchange.asmx";
    }

    ConnectionSettings.Builder oauth(String name, SignInMode mode) {
        return ConnectionSettings.builder(name, mode)
                .ewsUrl(ews())
                .loginAuthority(emulator.loginUrl().toString())
                .tenantId("contoso.onmicrosoft.com")
                .clientId(WEB_APP)
                .clientSecret(Secret.of(WEB_SECRET))
                .trustedCaPem(ca);
    }

    Mailbox delegatedMailbox(ConnectionSettings settings) {
        return delegatedMailbox(settings, ADELE);
    }

    Mailbox delegatedMailbox(ConnectionSettings settings, String address) {
        UUID conn = services.connections().create(org, settings, "test").id();
        return services.connections().addMailbox(conn, address, Optional.empty(), "test");
    }

    Map<String, String> signInAt(URI url, String upn, String password) throws Exception {
        return new SignInBrowser(emulator.sslContext())
                .signIn(url, CALLBACK.toString(), Person.of(upn, password))
                .params();
    }

    void authorize(Mailbox m) throws Exception {
        authorize(m, "Adele-Passw0rd!");
    }

    void authorize(Mailbox m, String password) throws Exception {
        var redirect = services.authorizations().start(m.id(), CALLBACK, "test");
        services.authorizations().complete(signInAt(redirect.authorizationUrl(), m.address(), password));
    }

    static void assertAllPassed(TestReport report) {
        assertThat(report.steps())
                .as(report.toString())
                .allSatisfy(s -> assertThat(s.status()).isEqualTo(StepStatus.PASSED));
        assertThat(report.passed()).isTrue();
    }

    @Test
    void delegatedMailboxIsAuthorizedTestedAndKeptAliveFor200IdleDays() throws Exception {
        Mailbox m =
                delegatedMailbox(oauth("Support", SignInMode.OAUTH_DELEGATED).build());
        assertThat(services.connections()
                        .missingForAuthorize(
                                stores.connections().get(m.connectionId()).orElseThrow()))
                .isEmpty();

        authorize(m);

        Mailbox authorized = stores.mailboxes().get(m.id()).orElseThrow();
        assertThat(authorized.status()).isEqualTo(MailboxStatus.AUTHORIZED);
        assertThat(authorized.signedInAs()).contains(ADELE);
        assertAllPassed(services.tester().test(m.id(), "test"));

        // Idle for 200 days, the scheduler sweeping every 5: never near Entra's 90-day limit.
        for (int day = 0; day < 200; day += 5) {
            emulator.clock().advance(Duration.ofDays(5));
            services.tokens().sweep();
        }
        assertThat(stores.mailboxes().get(m.id()).orElseThrow().status()).isEqualTo(MailboxStatus.AUTHORIZED);
        assertAllPassed(services.tester().test(m.id(), "test"));
    }

    @Test
    void refreshTokenUnusedFor90DaysNeedsReauthorizationWithTheCodeExplained() throws Exception {
        Mailbox m =
                delegatedMailbox(oauth("Support", SignInMode.OAUTH_DELEGATED).build());
        authorize(m);

        emulator.clock().advance(Duration.ofDays(91));
        services.tokens().sweep();

        Mailbox lapsed = stores.mailboxes().get(m.id()).orElseThrow();
        assertThat(lapsed.status()).isEqualTo(MailboxStatus.REAUTHORIZATION_REQUIRED);
        assertThat(lapsed.statusCode()).contains("AADSTS700082");
        HistoryEvent e = stores.history().ofMailbox(m.id(), 1).get(0);
        assertThat(e.kind()).isEqualTo(HistoryEvent.Kind.REFRESH_FAILED);
        assertThat(e.code()).contains("AADSTS700082");
        assertThat(e.detail().orElseThrow()).contains("What to do");
        assertThat(e.traceId()).isPresent();
        assertThat(e.correlationId()).isPresent();

        authorize(m); // Re-authorize
        assertThat(stores.mailboxes().get(m.id()).orElseThrow().status()).isEqualTo(MailboxStatus.AUTHORIZED);
    }

    @Test
    void wrongClientSecretPointsAtTheField() throws Exception {
        Mailbox m = delegatedMailbox(oauth("Support", SignInMode.OAUTH_DELEGATED)
                .clientSecret(Secret.of("Mbr8Q~not.the.right.secret"))
                .build());
        var redirect = services.authorizations().start(m.id(), CALLBACK, "test");
        Map<String, String> callback = signInAt(redirect.authorizationUrl(), ADELE, "Adele-Passw0rd!");

        assertThatThrownBy(() -> services.authorizations().complete(callback))
                .isInstanceOfSatisfying(AuthorizationFailure.class, f -> {
                    assertThat(f.code()).contains("AADSTS7000215");
                    assertThat(f.field()).contains("clientSecret");
                    assertThat(f.fix()).isNotBlank();
                    assertThat(f.getMessage()).doesNotContain("not.the.right.secret");
                });
        assertThat(stores.mailboxes().get(m.id()).orElseThrow().status()).isEqualTo(MailboxStatus.NOT_AUTHORIZED);
        assertThat(stores.history().ofMailbox(m.id(), 1).get(0).code()).contains("AADSTS7000215");
    }

    @Test
    void tamperedOrReplayedCallbacksChangeNothing() throws Exception {
        Mailbox m =
                delegatedMailbox(oauth("Support", SignInMode.OAUTH_DELEGATED).build());
        var redirect = services.authorizations().start(m.id(), CALLBACK, "test");
        Map<String, String> callback = signInAt(redirect.authorizationUrl(), ADELE, "Adele-Passw0rd!");

        var wrongState = new java.util.HashMap<>(callback);
        wrongState.put("state", "forged");
        assertThatThrownBy(() -> services.authorizations().complete(wrongState))
                .isInstanceOf(AuthorizationFailure.class)
                .hasMessageContaining("does not belong to a sign-in Mailbridge started");
        assertThat(stores.mailboxes().get(m.id()).orElseThrow().status()).isEqualTo(MailboxStatus.NOT_AUTHORIZED);

        services.authorizations().complete(callback);
        assertThatThrownBy(() -> services.authorizations().complete(callback))
                .isInstanceOf(AuthorizationFailure.class)
                .hasMessageContaining("already used");
    }

    @Test
    void anUnfinishedSignInTimesOutAfterTwoMinutes() throws Exception {
        Mailbox m =
                delegatedMailbox(oauth("Support", SignInMode.OAUTH_DELEGATED).build());
        var redirect = services.authorizations().start(m.id(), CALLBACK, "test");
        Map<String, String> callback = signInAt(redirect.authorizationUrl(), ADELE, "Adele-Passw0rd!");
        emulator.clock().advance(Duration.ofMinutes(3));

        assertThatThrownBy(() -> services.authorizations().complete(callback))
                .isInstanceOf(AuthorizationFailure.class)
                .hasMessageContaining("2 minutes");
    }

    @Test
    void aPublicClientSignsInWithADeviceCode() throws Exception {
        Mailbox m = delegatedMailbox(oauth("Headless", SignInMode.OAUTH_DELEGATED)
                .clientId("c0a7c0a7-0000-4000-8000-0000000000b2")
                .clientSecret(null)
                .build());
        var code = services.authorizations().startDeviceCode(m.id(), "test");
        assertThat(code.message()).contains(code.userCode());

        new SignInBrowser(emulator.sslContext())
                .enterDeviceCode(code.verificationUri(), code.userCode(), Person.of(ADELE, "Adele-Passw0rd!"));

        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (stores.mailboxes().get(m.id()).orElseThrow().status() != MailboxStatus.AUTHORIZED
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(stores.mailboxes().get(m.id()).orElseThrow().status()).isEqualTo(MailboxStatus.AUTHORIZED);
        assertThat(services.tokens().refresh(m.id()).refreshed()).isTrue();
        assertAllPassed(services.tester().test(m.id(), "test"));

        // A confidential connection uses Authorize instead.
        Mailbox web = delegatedMailbox(oauth("Web", SignInMode.OAUTH_DELEGATED).build());
        assertThatThrownBy(() -> services.authorizations().startDeviceCode(web.id(), "test"))
                .isInstanceOf(AuthorizationFailure.class)
                .hasMessageContaining("public client");
    }

    @Test
    void changingTheClientSecretAsksForReauthorization() throws Exception {
        ConnectionSettings settings =
                oauth("Support", SignInMode.OAUTH_DELEGATED).build();
        Mailbox m = delegatedMailbox(settings);
        authorize(m);

        services.connections()
                .update(
                        m.connectionId(),
                        settings.toBuilder()
                                .clientSecret(Secret.of("Mbr8Q~a.new.secret.value"))
                                .build(),
                        "test");

        Mailbox after = stores.mailboxes().get(m.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(MailboxStatus.REAUTHORIZATION_REQUIRED);
        assertThat(after.hasRefreshToken()).isFalse();
        assertThat(after.statusMessage().orElseThrow()).contains("client secret");
    }

    @Test
    void appOnlyMailboxIsAuthorizedWithTheAppsOwnToken() {
        UUID conn = services.connections()
                .create(org, oauth("Help desk", SignInMode.OAUTH_APP_ONLY).build(), "test")
                .id();
        Mailbox m = services.connections().addMailbox(conn, ADELE, Optional.empty(), "test");

        services.authorizations().authorizeAppOnly(m.id(), "test");

        assertThat(stores.mailboxes().get(m.id()).orElseThrow().status()).isEqualTo(MailboxStatus.AUTHORIZED);
        assertAllPassed(services.tester().test(m.id(), "test"));
        assertThat(services.authorizations().adminConsentUrl(conn, CALLBACK).toString())
                .contains("/v2.0/adminconsent?client_id=" + WEB_APP)
                .contains("full_access_as_app".isEmpty() ? "" : ".default");
    }

    @Test
    void basicAndImpersonatedConnectionsPassTestConnection() {
        UUID northwind =
                services.connections().createOrganisation("Northwind", "test").id();
        UUID basic = services.connections()
                .create(
                        northwind,
                        ConnectionSettings.builder("Nancy", SignInMode.BASIC)
                                .ewsUrl(ews())
                                .username(NANCY)
                                .password(Secret.of("Nancy-Passw0rd!"))
                                .trustedCaPem(ca)
                                .build(),
                        "test")
                .id();
        Mailbox nancy = services.connections().addMailbox(basic, NANCY, Optional.empty(), "test");
        assertAllPassed(services.tester().test(nancy.id(), "test"));
        assertThat(stores.mailboxes().get(nancy.id()).orElseThrow().status()).isEqualTo(MailboxStatus.AUTHORIZED);

        UUID impersonated = services.connections()
                .create(
                        northwind,
                        ConnectionSettings.builder("Service", SignInMode.BASIC_IMPERSONATED)
                                .ewsUrl(ews())
                                .username("ews.service@northwind.local")
                                .password(Secret.of("Ews-Service1!"))
                                .trustedCaPem(ca)
                                .build(),
                        "test")
                .id();
        Mailbox asService = services.connections().addMailbox(impersonated, NANCY, Optional.empty(), "test");
        assertAllPassed(services.tester().test(asService.id(), "test"));

        // Folders: listed with paths, mapped by role.
        var folders = services.folders().list(nancy.id());
        var inbox = folders.stream()
                .filter(f -> f.path().equals("Inbox"))
                .findFirst()
                .orElseThrow();
        services.folders().map(nancy.id(), Map.of(FolderRole.INCOMING, inbox.id()), "test");
        assertThat(stores.mailboxes().folders(nancy.id()))
                .singleElement()
                .satisfies(f -> assertThat(f.folderName()).isEqualTo("Inbox"));
    }

    @Test
    void aWrongPasswordOrAnUntrustedCertificateFailsAtTheRightStep() {
        UUID northwind =
                services.connections().createOrganisation("Northwind", "test").id();
        ConnectionSettings settings = ConnectionSettings.builder("Nancy", SignInMode.BASIC)
                .ewsUrl(ews())
                .username(NANCY)
                .password(Secret.of("wrong-password"))
                .trustedCaPem(ca)
                .build();
        UUID conn = services.connections().create(northwind, settings, "test").id();
        Mailbox nancy = services.connections().addMailbox(conn, NANCY, Optional.empty(), "test");
        TestReport wrong = services.tester().test(nancy.id(), "test");
        assertThat(wrong.passed()).isFalse();
        assertThat(stores.mailboxes().get(nancy.id()).orElseThrow().status()).isEqualTo(MailboxStatus.FAILING);
        assertThat(wrong.steps())
                .filteredOn(s -> s.status() == StepStatus.FAILED)
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.name()).isEqualTo(ConnectionTester.ACCESS);
                    assertThat(s.fix()).isPresent();
                });

        UUID untrusted = services.connections()
                .create(
                        northwind,
                        settings.toBuilder()
                                .name("No CA")
                                .trustedCaPem(null)
                                .password(Secret.of("Nancy-Passw0rd!"))
                                .build(),
                        "test")
                .id();
        Mailbox m = services.connections().addMailbox(untrusted, NANCY, Optional.empty(), "test");
        TestReport tls = services.tester().test(m.id(), "test");
        assertThat(tls.steps())
                .filteredOn(s -> s.status() == StepStatus.FAILED)
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.name()).isEqualTo(ConnectionTester.TLS);
                    assertThat(s.fix().orElseThrow()).contains("Trusted CAs");
                });
    }

    @Test
    void fieldsMayNameEnvironmentVariables() {
        ConnectionSettings.Builder settings = ConnectionSettings.builder("Nancy", SignInMode.BASIC)
                .ewsUrl(ews())
                .username("${env:NORTHWIND_USER}")
                .password(Secret.of("${env:NORTHWIND_PASSWORD}"))
                .trustedCaPem(ca);
        UUID conn = services.connections().create(org, settings.build(), "test").id();
        Mailbox nancy = services.connections().addMailbox(conn, NANCY, Optional.empty(), "test");
        assertAllPassed(services.tester().test(nancy.id(), "test"));
        // The reference is what is stored, not the value.
        assertThat(stores.connections().secrets(conn).password().orElseThrow().reveal())
                .isEqualTo("${env:NORTHWIND_PASSWORD}");

        assertThatThrownBy(() -> services.connections()
                        .create(
                                org,
                                settings.name("Other")
                                        .password(Secret.of("${env:NOT_SET_ANYWHERE}"))
                                        .build(),
                                "test"))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.errors()).singleElement().satisfies(f -> {
                            assertThat(f.field()).isEqualTo("password");
                            assertThat(f.message()).contains("NOT_SET_ANYWHERE", "not set");
                        }));
    }

    @Test
    void anExpiredCertificateIsRefusedAtItsField() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.security.KeyPair pair = g.generateKeyPair();
        var name = new org.bouncycastle.asn1.x500.X500Name("CN=Mailbridge expired test");
        java.time.Instant now = emulator.clock().instant();
        var cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                .getCertificate(new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                                name,
                                java.math.BigInteger.ONE,
                                java.util.Date.from(now.minus(Duration.ofDays(400))),
                                java.util.Date.from(now.minus(Duration.ofDays(35))),
                                name,
                                pair.getPublic())
                        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA")
                                .build(pair.getPrivate())));
        java.util.Base64.Encoder b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes());
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + b64.encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\n" + b64.encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";

        assertThatThrownBy(() -> services.connections()
                        .create(
                                org,
                                oauth("Certificate", SignInMode.OAUTH_APP_ONLY)
                                        .clientSecret(null)
                                        .certificatePem(Secret.of(pem))
                                        .build(),
                                "test"))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.errors()).singleElement().satisfies(f -> {
                            assertThat(f.field()).isEqualTo("certificatePem");
                            assertThat(f.message()).contains("expired on", "upload the new key");
                        }));
        assertThat(stores.connections().list(org)).isEmpty();
    }

    @Test
    void anUnreachableHostFailsAtTheHostStep() {
        UUID conn = services.connections()
                .create(
                        org,
                        ConnectionSettings.builder("Nowhere", SignInMode.BASIC)
                                .ewsUrl("https://mail.does-not-exist.invalid/EWS/Exchange.asmx")
                                .username(NANCY)
                                .password(Secret.of("Nancy-Passw0rd!"))
                                .build(),
                        "test")
                .id();
        Mailbox m = services.connections().addMailbox(conn, NANCY, Optional.empty(), "test");
        TestReport report = services.tester().test(m.id(), "test");
        assertThat(report.steps())
                .filteredOn(s -> s.status() == StepStatus.FAILED)
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.name()).isEqualTo(ConnectionTester.HOST);
                    assertThat(s.message()).contains("does not resolve");
                    assertThat(s.fix().orElseThrow()).contains("DNS");
                });
    }

    @Test
    void aSignInThatCannotBeRefreshedShowsAsExpiringBeforeItLapses() throws Exception {
        ConnectionSettings settings =
                oauth("Support", SignInMode.OAUTH_DELEGATED).build();
        Mailbox m = delegatedMailbox(settings);
        authorize(m);
        // The server was down for 80 days, and now a dead proxy stands between it and Entra.
        emulator.clock().advance(Duration.ofDays(80));
        services.connections()
                .update(
                        m.connectionId(),
                        settings.toBuilder().proxy("127.0.0.1", 9).build(),
                        "test");

        services.tokens().sweep();

        Mailbox expiring = stores.mailboxes().get(m.id()).orElseThrow();
        assertThat(expiring.status()).isEqualTo(MailboxStatus.EXPIRING);
        assertThat(expiring.statusMessage().orElseThrow()).contains("lapses on");
        assertThat(stores.history().ofMailbox(m.id(), 1).get(0).kind()).isEqualTo(HistoryEvent.Kind.REFRESH_FAILED);

        // The proxy goes away: the next sweep refreshes and all is well again.
        services.connections().update(m.connectionId(), settings, "test");
        services.tokens().sweep();
        assertThat(stores.mailboxes().get(m.id()).orElseThrow().status()).isEqualTo(MailboxStatus.AUTHORIZED);
    }

    @Test
    void badInputIsRefusedFieldByFieldAndNothingIsSaved() {
        ConnectionSettings bad = ConnectionSettings.builder("", SignInMode.OAUTH_DELEGATED)
                .ewsUrl("http://mail.contoso.com/EWS/Exchange.asmx")
                .tenantId("not a tenant")
                .clientId("1234")
                .clientSecret(Secret.of("c0a7c0a7-0000-4000-8000-0000000005e1"))
                .proxy("proxy.example.com", 99999)
                .build();

        assertThatThrownBy(() -> services.connections().create(org, bad, "test"))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::field)
                                .contains("name", "ewsUrl", "tenantId", "clientId", "clientSecret", "proxyPort"));
        assertThat(stores.connections().list(org)).isEmpty();
    }

    @Test
    void overGraphDelegatedAndAppOnlyTestGreenAndAMissingPermissionIsNamed() throws Exception {
        String graph = emulator.graphUrl(dev.mailbridge.emulator.Cloud.GLOBAL).toString();
        Mailbox delegated = delegatedMailbox(oauth("Graph delegated", SignInMode.OAUTH_DELEGATED)
                .transport(dev.mailbridge.core.model.Transport.GRAPH)
                .graphUrl(graph)
                .build());
        authorize(delegated);
        TestReport d = services.tester().test(delegated.id(), "test");
        assertAllPassed(d);
        assertThat(d.steps()).extracting(ConnectionTester.Step::name).contains("Graph host");
        assertThat(d.steps().get(4).message()).contains("over Microsoft Graph");

        Mailbox app = delegatedMailbox(oauth("Graph app", SignInMode.OAUTH_APP_ONLY)
                .transport(dev.mailbridge.core.model.Transport.GRAPH)
                .graphUrl(graph)
                .build());
        assertAllPassed(services.tester().test(app.id(), "test"));

        String readOnly = UUID.randomUUID().toString();
        var spec = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode()
                .put("clientId", readOnly)
                .put("clientSecret", "Rdo8Q~read.only.app.secret.value")
                .put("adminConsented", true);
        spec.putArray("application").add("https://graph.microsoft.com/Mail.Read");
        emulator.entra().directory().createApp("contoso.onmicrosoft.com", spec);
        Mailbox reader = delegatedMailbox(oauth("Reader", SignInMode.OAUTH_APP_ONLY)
                .transport(dev.mailbridge.core.model.Transport.GRAPH)
                .graphUrl(graph)
                .clientId(readOnly)
                .clientSecret(Secret.of("Rdo8Q~read.only.app.secret.value"))
                .build());
        TestReport r = services.tester().test(reader.id(), "test");
        assertThat(r.passed()).isFalse();
        ConnectionTester.Step send = r.steps().getLast();
        assertThat(send.name()).isEqualTo("Send permission");
        assertThat(send.status()).isEqualTo(StepStatus.FAILED);
        assertThat(send.message()).contains("Mail.ReadWrite and Mail.Send");
        assertThat(send.fix().orElseThrow()).contains("Application permissions").contains("Grant admin consent");
    }
}
