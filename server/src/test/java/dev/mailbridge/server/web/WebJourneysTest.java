package dev.mailbridge.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.User;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.entra.AppRegistration;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.server.MailbridgeServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The journeys of the issue in real headless Chromium: the real server on a fixed free port, the
 * emulator over HTTPS (trusted by the server through each connection's trusted CA, never by turning TLS
 * checks off), one browser for the whole class. The server's clock is the emulator's, so moving it 91
 * days moves both.
 */
@SpringBootTest(classes = MailbridgeServer.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Import(WebJourneysTest.EmulatorTime.class)
class WebJourneysTest {
    static final String TENANT = "contoso.onmicrosoft.com";
    static final String CLIENT = "c0a7c0a7-0000-4000-8000-0000000000a1";
    static final String SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";
    static final String ADELE = "adele.vance@contoso.onmicrosoft.com";
    static final String ADELE_PW = "Adele-Passw0rd!";
    static final String NANCY = "nancy.davolio@northwind.local";
    static final String NANCY_PW = "Nancy-Passw0rd!";
    static final String SERVICE = "ews.service@northwind.local";
    static final String SERVICE_PW = "Ews-Service1!";
    static final String ADMIN_PW = "correct horse battery staple";
    static final String WRONG_SECRET = "Wrong8Q~not.the.secret.value.at.all.0000";

    static final int PORT = freePort();
    static final String BASE = "http://localhost:" + PORT;
    static final Path DATA = tempDir();

    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static Browser browser;
    static String orgUrl;
    static String delegatedMailboxUrl;

    @Autowired
    Stores stores;

    @Autowired
    dev.mailbridge.server.security.UserAccounts users;

    @Autowired
    dev.mailbridge.server.security.LoginThrottle throttle;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("server.port", () -> PORT);
        r.add("mailbridge.data-dir", DATA::toString);
        r.add("mailbridge.public-base-url", () -> BASE);
        r.add("mailbridge.sweep-initial-delay", () -> "PT100H");
        // the receive journey counts what "Sync now" finds: no streaming event and no safety poll may sync
        // before the click (a poll every 30 s from the start once fell between a delivery and the click)
        r.add("mailbridge.receive.notifications", () -> "poll");
        r.add("mailbridge.poll-initial-delay", () -> "PT100H");
        r.add("mailbridge.poll-interval", () -> "PT100H");
    }

    @TestConfiguration
    static class EmulatorTime {
        @Bean
        @Primary
        Clock emulatorClock() {
            return EMULATOR.emulator().clock();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Emulator emulator = EMULATOR.emulator();
        // Register this server's redirect URI in the emulator's app registration, as an admin would in Entra.
        AppRegistration app = emulator.entra().directory().app(TENANT, CLIENT);
        ObjectMapper json = new ObjectMapper();
        ObjectNode patch = json.createObjectNode();
        ArrayNode uris = patch.putArray("redirectUris");
        app.redirectUris().forEach(u -> uris.add(u.uri()));
        uris.add(BASE + "/oauth2/callback");
        emulator.entra().directory().patchApp(TENANT, CLIENT, patch);
        browser = new Browser(emulator.loginUrl(), emulator.sslContext());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void firstAdminIsSetUpAndSignsIn() {
        browser.go(BASE + "/");
        browser.waitForUrl("/setup");
        browser.type("#username", "admin");
        browser.type("#password", "short");
        browser.type("#confirm", "short");
        browser.click("#create-admin");
        assertThat(browser.text("#password-error")).contains("12 characters");
        browser.type("#password", ADMIN_PW);
        browser.type("#confirm", ADMIN_PW);
        browser.click("#create-admin");
        browser.waitForUrl("/login");
        browser.type("#username", "admin");
        browser.type("#password", ADMIN_PW);
        browser.click("#sign-in");
        browser.find("#create-organisation");
        browser.type("#org-name", "Contoso");
        browser.click("#create-organisation");
        browser.waitForUrl("/organisations/");
        orgUrl = browser.url();
        // Setup is gone once an admin exists.
        browser.go(BASE + "/setup");
        assertThat(browser.page()).as(browser.page()).contains("Not found");
    }

    @Test
    @Order(2)
    void malformedTenantAndClientIdsAreShownAtTheirFieldsAndNothingIsSaved() {
        newConnection("Broken", "OAUTH_DELEGATED");
        browser.type("#ewsUrl", ewsUrl());
        browser.type("#tenantId", "not a tenant!");
        browser.type("#clientId", "1234");
        browser.type("#clientSecret", SECRET);
        browser.click("#save-connection");
        assertThat(browser.text("#tenantId-error")).contains("GUID");
        assertThat(browser.text("#clientId-error")).contains("GUID");
        assertThat(browser.attribute("#tenantId", "aria-invalid")).isEqualTo("true");
        assertThat(browser.page()).doesNotContain(SECRET);
        browser.screenshot("malformed-ids.png");
        assertThat(stores.connections().all()).isEmpty();
    }

    @Test
    @Order(3)
    void delegatedConnectionIsAuthorizedThroughTheSignInPageAndTestsGreen() {
        String connection = oauthConnection("Support (delegated)", "OAUTH_DELEGATED", SECRET);
        addMailbox(connection, ADELE);
        assertThat(browser.page()).doesNotContain(SECRET);
        browser.click("tr[data-address='" + ADELE + "'] button.authorize");
        signInAtEmulator(ADELE, ADELE_PW);
        browser.waitForUrl(BASE + "/mailboxes/");
        delegatedMailboxUrl = browser.url().replaceAll("\\?.*", "");
        assertThat(browser.text("#mailbox-status")).isEqualTo("Authorized");
        assertThat(browser.text("#notice")).contains("is authorized");
        testConnectionPasses();
        browser.go(connection);
        assertThat(browser.text("tr[data-address='" + ADELE + "'] .status")).isEqualTo("Authorized");
        assertThat(browser.attribute("tr[data-address='" + ADELE + "'] .status", "class"))
                .contains("ok");
        assertThat(browser.text("#redirect-uri")).isEqualTo(BASE + "/oauth2/callback");
        browser.screenshot("connection-authorized.png");
        // contoso over EWS is Exchange Online: the retirement notice, with the place for the switch.
        assertThat(browser.text("#ews-retirement")).contains("Switch this connection to Microsoft Graph");
        assertThat(browser.has("#ews-retirement #switch-to-graph")).isTrue();
        browser.scrollTo("#ews-retirement");
        browser.screenshot("ews-retirement-notice.png");
        browser.go(orgUrl);
        assertThat(browser.text(".badge.ews-retirement")).contains("switch to Graph");
    }

    @Test
    @Order(4)
    void foldersAreListedAndMappedToRoles() {
        browser.go(delegatedMailboxUrl);
        browser.click("#load-folders");
        assertThat(browser.has("#role_INCOMING")).as(browser.text("main")).isTrue();
        String inbox = browser.driver.findElements(By.cssSelector("#role_INCOMING option")).stream()
                .filter(o -> o.getText().equals("Inbox"))
                .findFirst()
                .orElseThrow()
                .getAttribute("value");
        browser.select("#role_INCOMING", inbox);
        browser.click("#save-folders");
        assertThat(browser.text("#notice")).contains("Folder roles saved (1 mapped)");
        assertThat(browser.page()).contains("Inbox");
    }

    @Test
    @Order(5)
    void aTamperedCallbackIsRefusedAndChangesNothing() {
        int historyBefore =
                stores.history().ofMailbox(mailboxId(delegatedMailboxUrl), 1000).size();
        browser.go(BASE + "/oauth2/callback?code=forged-code&state=" + UUID.randomUUID());
        assertThat(browser.text("#notice"))
                .contains("does not belong to a sign-in Mailbridge started")
                .contains("Start again with Authorize");
        assertThat(stores.mailboxes()
                        .get(mailboxId(delegatedMailboxUrl))
                        .orElseThrow()
                        .status())
                .isEqualTo(MailboxStatus.AUTHORIZED);
        assertThat(stores.history().ofMailbox(mailboxId(delegatedMailboxUrl), 1000))
                .hasSize(historyBefore);
    }

    @Test
    @Order(6)
    void ninetyDaysOfInactivityIsFlaggedWith700082AndReauthorizeFixesIt() {
        EMULATOR.emulator().clock().advance(Duration.ofDays(91));
        browser.go(delegatedMailboxUrl);
        browser.find("a[href^='/connections/']:not([href$='/edit'])").click();
        browser.click("#sweep");
        browser.waitForText("#notice", "Token check done");
        browser.go(delegatedMailboxUrl);
        assertThat(browser.text("#mailbox-status")).isEqualTo("Re-authorization required");
        assertThat(browser.attribute("#mailbox-status", "class")).contains("bad");
        assertThat(browser.text("#status-code")).isEqualTo("AADSTS700082");
        assertThat(browser.text(".history")).contains("AADSTS700082").contains("Trace ID");
        browser.screenshot("reauthorize-700082.png");

        browser.click("#authorize");
        signInAtEmulator(ADELE, ADELE_PW);
        browser.waitForUrl(delegatedMailboxUrl);
        assertThat(browser.text("#mailbox-status")).isEqualTo("Authorized");
        testConnectionPasses();
    }

    @Test
    @Order(7)
    void aRevokedUserIsFlaggedWith50173() {
        EMULATOR.emulator().clock().advance(Duration.ofSeconds(5));
        EMULATOR.emulator().entra().directory().revokeSessions(TENANT, ADELE);
        EMULATOR.emulator().clock().advance(Duration.ofSeconds(5));
        browser.go(delegatedMailboxUrl);
        browser.click("#refresh");
        browser.waitForText("#notice", "Not refreshed");
        assertThat(browser.text("#mailbox-status")).isEqualTo("Revoked");
        assertThat(browser.text("#status-code")).isEqualTo("AADSTS50173");
        assertThat(browser.text("#status-message")).isNotBlank();
        browser.screenshot("revoked-50173.png");

        browser.click("#authorize");
        signInAtEmulator(ADELE, ADELE_PW);
        browser.waitForUrl(delegatedMailboxUrl);
        assertThat(browser.text("#mailbox-status")).isEqualTo("Authorized");
    }

    @Test
    @Order(8)
    void aWrongClientSecretIsShownAtTheFieldWithTheFix() {
        String connection = oauthConnection("Wrong secret", "OAUTH_DELEGATED", WRONG_SECRET);
        addMailbox(connection, ADELE);
        browser.click("tr[data-address='" + ADELE + "'] button.authorize");
        signInAtEmulator(ADELE, ADELE_PW);
        browser.waitForUrl("/edit");
        assertThat(browser.text("#clientSecret-error"))
                .contains("AADSTS7000215")
                .contains("What to do");
        assertThat(browser.text("#notice")).contains("AADSTS7000215");
        assertThat(browser.attribute("#clientSecret", "aria-invalid")).isEqualTo("true");
        assertThat(browser.page()).doesNotContain(WRONG_SECRET).doesNotContain(SECRET);
        browser.scrollTo("#clientSecret");
        browser.screenshot("wrong-secret-7000215.png");

        // The fix: type the right Value and authorize again.
        browser.type("#clientSecret", SECRET);
        browser.click("#save-connection");
        browser.waitForText("#notice", "saved");
        browser.click("tr[data-address='" + ADELE + "'] button.authorize");
        signInAtEmulator(ADELE, ADELE_PW);
        browser.waitForUrl(BASE + "/mailboxes/");
        assertThat(browser.text("#mailbox-status")).isEqualTo("Authorized");
    }

    @Test
    @Order(9)
    void appOnlyConnectionIsAuthorizedWithoutAUserAndTestsGreen() {
        String connection = oauthConnection("Archive (app-only)", "OAUTH_APP_ONLY", SECRET);
        assertThat(browser.attribute("#admin-consent", "href")).contains("adminconsent");
        addMailbox(connection, ADELE);
        browser.click("tr[data-address='" + ADELE + "'] button.authorize");
        browser.waitForUrl(BASE + "/mailboxes/");
        assertThat(browser.text("#mailbox-status")).isEqualTo("Authorized");
        testConnectionPasses();
        browser.screenshot("app-only-authorized.png");
    }

    @Test
    @Order(10)
    void basicEndUserConnectionTestsGreen() {
        newConnection("Northwind (basic)", "BASIC");
        browser.type("#ewsUrl", ewsUrl());
        browser.type("#username", NANCY);
        browser.type("#password", NANCY_PW);
        browser.set("trustedCaPem", caPem());
        browser.click("#save-connection");
        browser.waitForText("#notice", "created");
        String connection = browser.url();
        addMailbox(connection, NANCY);
        browser.find("tr[data-address='" + NANCY + "'] a").click();
        testConnectionPasses();
        assertThat(browser.text("#mailbox-status")).isEqualTo("Authorized");
        assertThat(browser.page()).doesNotContain(NANCY_PW);
        browser.screenshot("basic-test-connection.png");
        browser.go(connection);
        assertThat(browser.has("#ews-retirement"))
                .as("Exchange Server keeps EWS")
                .isFalse();
    }

    @Test
    @Order(11)
    void basicImpersonatedConnectionTestsGreen() {
        newConnection("Northwind (impersonation)", "BASIC_IMPERSONATED");
        browser.type("#ewsUrl", ewsUrl());
        browser.type("#username", SERVICE);
        browser.type("#password", SERVICE_PW);
        browser.set("trustedCaPem", caPem());
        browser.click("#save-connection");
        browser.waitForText("#notice", "created");
        addMailbox(browser.url(), NANCY);
        browser.find("tr[data-address='" + NANCY + "'] a").click();
        testConnectionPasses();
        assertThat(browser.text("#mailbox-status")).isEqualTo("Authorized");
        assertThat(browser.page()).doesNotContain(SERVICE_PW);
    }

    @Test
    @Order(12)
    void aServerWithoutABrowserSignsInWithADeviceCode() throws Exception {
        newConnection("Headless (device code)", "OAUTH_DELEGATED");
        browser.type("#ewsUrl", ewsUrl());
        browser.type("#tenantId", TENANT);
        browser.type("#clientId", "c0a7c0a7-0000-4000-8000-0000000000b2"); // the emulator's public client
        browser.find("details summary").click();
        browser.type("#loginAuthority", EMULATOR.emulator().loginUrl().toString());
        browser.set("trustedCaPem", caPem());
        browser.click("#save-connection");
        browser.waitForText("#notice", "created");
        addMailbox(browser.url(), ADELE);
        browser.find("tr[data-address='" + ADELE + "'] a").click();
        browser.click("#device-code-start");
        String code = browser.text("#user-code");
        String verification = browser.attribute("#device-code a", "href");
        new dev.mailbridge.emulator.junit.SignInBrowser(EMULATOR.emulator().sslContext())
                .enterDeviceCode(
                        java.net.URI.create(verification),
                        code,
                        dev.mailbridge.emulator.junit.SignInBrowser.Person.of(ADELE, "Adele-Passw0rd!"));
        String page = browser.url();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        do {
            Thread.sleep(300);
            browser.go(page);
        } while (!browser.text("#mailbox-status").equals("Authorized") && System.nanoTime() < deadline);
        assertThat(browser.text("#mailbox-status")).isEqualTo("Authorized");
        testConnectionPasses();
    }

    @Test
    @Order(13)
    void receivedMailGoesToAWebhookAndADeadLetterIsReplayed() throws Exception {
        // A webhook receiver that refuses the first delivery for good (410), then accepts.
        java.util.List<String> subjects = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<String> secret =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer receiver =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean signed = dev.mailbridge.core.deliver.WebhookSignature.verify(
                    secret.get(),
                    exchange.getRequestHeaders().getFirst("Mailbridge-Signature"),
                    body,
                    Duration.ofMinutes(5));
            if (calls.getAndIncrement() == 0) {
                exchange.sendResponseHeaders(410, -1);
            } else {
                if (signed) {
                    subjects.add(new ObjectMapper()
                            .readTree(body)
                            .get("data")
                            .get("subject")
                            .asText());
                }
                exchange.sendResponseHeaders(signed ? 204 : 401, -1);
            }
            exchange.close();
        });
        receiver.start();
        try {
            browser.go(BASE + "/settings/targets");
            browser.type("#target-name", "Help desk");
            browser.type(
                    "#target-url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
            browser.click("#create-target");
            secret.set(browser.text("#created-secret"));
            browser.go(BASE + "/settings/targets");
            assertThat(browser.page()).contains("Help desk").doesNotContain(secret.get());

            Mailbox nancy = stores.mailboxes().all().stream()
                    .filter(m -> m.address().equals(NANCY))
                    .filter(m -> stores.connections()
                            .get(m.connectionId())
                            .orElseThrow()
                            .signInMode()
                            .name()
                            .equals("BASIC"))
                    .findFirst()
                    .orElseThrow();
            browser.go(BASE + "/mailboxes/" + nancy.id());
            browser.click("#receive-enabled");
            browser.click("#receive-from-now");
            new org.openqa.selenium.support.ui.Select(browser.find("#after-delivery")).selectByValue("MARK_READ");
            browser.click("#save-receive");
            browser.waitForText("#notice", "Receiving is on");
            browser.click("#sync-now");
            browser.waitForText("#notice", "Synced: 0 new");

            String subject = "Printer on fire " + UUID.randomUUID().toString().substring(0, 6);
            EMULATOR.emulator()
                    .exchange()
                    .store()
                    .deliver(
                            NANCY,
                            ("From: it@example.com\r\nTo: " + NANCY + "\r\nSubject: " + subject + "\r\nMessage-ID: <"
                                            + UUID.randomUUID() + "@example.com>\r\n\r\nHelp.\r\n")
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            browser.click("#sync-now");
            browser.waitForText("#notice", "Synced: 1 new");
            waitOnPage(nancy, "#dead-count", "1");
            browser.screenshot("dead-letter.png");

            browser.click("#dead-letters button.replay");
            browser.waitForText("#notice", "Queued for delivery again");
            waitOnPage(nancy, "#delivered-count", "1");
            assertThat(subjects).containsExactly(subject);
            assertThat(browser.text("#dead-count")).isEqualTo("0");
            assertThat(new org.openqa.selenium.support.ui.Select(browser.find("#after-delivery"))
                            .getFirstSelectedOption()
                            .getAttribute("value"))
                    .isEqualTo("MARK_READ");
        } finally {
            receiver.stop(0);
        }
    }

    private void waitOnPage(Mailbox m, String selector, String value) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        do {
            browser.go(BASE + "/mailboxes/" + m.id());
            if (browser.text(selector).equals(value)) {
                return;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        assertThat(browser.text(selector)).as(selector).isEqualTo(value);
    }

    @Test
    @Order(14)
    void settingsPagesShowUsersApiKeysAndTheAuditLogWithoutSecrets() {
        browser.go(BASE + "/settings/api-keys");
        browser.type("#key-name", "CI pipeline");
        browser.click("#create-key");
        String key = browser.text("#created-key");
        assertThat(key).startsWith("mbk_");
        browser.go(BASE + "/settings/api-keys");
        assertThat(browser.page()).doesNotContain(key).contains("CI pipeline");
        browser.go(BASE + "/settings/audit");
        assertThat(browser.page())
                .contains("connection.create")
                .contains("apikey.create")
                .doesNotContain(SECRET)
                .doesNotContain(key);

        // Server-wide defaults: a bad port is shown at its field and nothing is saved.
        browser.go(BASE + "/settings");
        browser.type("#proxy-host", "proxy.corp.example");
        browser.type("#proxy-port", "99999");
        browser.click("form[action$='/settings'] button[type=submit]");
        assertThat(browser.text("#proxy-port-error")).contains("1 to 65535");
        browser.go(BASE + "/settings");
        assertThat(browser.attribute("#proxy-host", "value")).isEmpty();
    }

    @Test
    @Order(14)
    void rulesAreAddedEditedTestedAndDeletedWithProblemsAtTheirFields() {
        Mailbox nancy = stores.mailboxes().all().stream()
                .filter(m -> m.address().equals(NANCY))
                .findFirst()
                .orElseThrow();
        browser.go(BASE + "/mailboxes/" + nancy.id());
        browser.click("#manage-rules");
        assertThat(browser.text("#no-rules")).contains("No rules");
        browser.type("#name", "Orders");
        browser.type("#subjectPattern", "^Order (");
        browser.type("#ignoredSenders", "/[/");
        browser.click("#save-rule");
        assertThat(browser.text("#subjectPattern-error")).contains("not a valid regular expression");
        assertThat(browser.text("#ignoredSenders-error")).contains("ignored sender 1");
        assertThat(browser.has("#rules")).as("nothing saved").isFalse();

        browser.type("#subjectPattern", "^Order \\d+");
        browser.type("#ignoredSenders", "spam@example.com");
        browser.type("#label", "order");
        browser.click("#save-rule");
        browser.waitForText("#notice", "saved");
        assertThat(browser.text("#rule-0 .rule-label")).isEqualTo("order");

        browser.type("#sample", "From: customer@example.com\nSubject: Order 12");
        browser.click("#test-rules");
        assertThat(browser.text("#decision-label")).isEqualTo("order");
        assertThat(browser.text("#decision-reason")).contains("rule 'Orders' matched");

        browser.click("#rule-0 .edit-rule");
        browser.type("#label", "sales");
        browser.click("#save-rule");
        browser.waitForText("#notice", "saved");
        assertThat(browser.text("#rule-0 .rule-label")).isEqualTo("sales");
        assertThat(stores.rules().list(nancy.id())).singleElement().satisfies(r -> {
            assertThat(r.label()).isEqualTo("sales");
            assertThat(r.ignoredSenders()).containsExactly("spam@example.com");
            assertThat(r.skipOwnMail()).isTrue();
        });
        browser.click("#rule-0 .delete-rule");
        browser.waitForText("#notice", "deleted");
        assertThat(browser.has("#no-rules")).isTrue();
        assertThat(stores.rules().list(nancy.id())).isEmpty();

        // the paired outgoing mailbox: refused at its field while it cannot send, then saved
        Mailbox pair = stores.mailboxes()
                .create(nancy.connectionId(), "pair." + UUID.randomUUID() + "@northwind.local", Optional.empty());
        browser.go(BASE + "/mailboxes/" + nancy.id());
        browser.select("#replyFrom", pair.id().toString());
        browser.click("#save-sending");
        assertThat(browser.text("#replyFrom-error")).contains("cannot send");
        stores.mailboxes().setStatus(pair.id(), MailboxStatus.AUTHORIZED, Optional.empty(), Optional.empty());
        browser.select("#replyFrom", pair.id().toString());
        browser.click("#save-sending");
        browser.waitForText("#notice", "paired mailbox");
        assertThat(new org.openqa.selenium.support.ui.Select(browser.find("#replyFrom"))
                        .getFirstSelectedOption()
                        .getAttribute("value"))
                .isEqualTo(pair.id().toString());
        stores.mailboxes().delete(pair.id());
    }

    @Test
    @Order(14)
    void anExchangeOnlineConnectionSwitchesToGraphFromItsNotice() {
        newConnection("Contoso app (to Graph)", "OAUTH_APP_ONLY");
        browser.type("#ewsUrl", ewsUrl());
        browser.type(
                "#graphUrl",
                EMULATOR.emulator()
                        .graphUrl(dev.mailbridge.emulator.Cloud.GLOBAL)
                        .toString());
        browser.type("#tenantId", TENANT);
        browser.type("#clientId", CLIENT);
        browser.type("#clientSecret", SECRET);
        browser.find("details summary").click();
        browser.type("#loginAuthority", EMULATOR.emulator().loginUrl().toString());
        browser.set("trustedCaPem", caPem());
        browser.click("#save-connection");
        browser.waitForText("#notice", "created");
        assertThat(browser.has("#ews-retirement #switch-to-graph-button")).isTrue();

        browser.submit("#switch-to-graph-button");
        browser.waitForText("#notice", "Switched to Microsoft Graph");
        assertThat(browser.has("#ews-retirement"))
                .as("no notice on a Graph connection")
                .isFalse();
        assertThat(browser.text("#transport")).isEqualTo("Microsoft Graph");
        browser.screenshot("switched-to-graph.png");
    }

    @Test
    @Order(15)
    void aMailboxOwnerSeesAndAuthorizesOnlyTheirOwnMailbox() {
        String nancyMailbox = stores.mailboxes().all().stream()
                .filter(m -> m.address().equals(NANCY))
                .findFirst()
                .orElseThrow()
                .id()
                .toString();
        users.create("adele", "Adele-owner-passphrase", User.Role.OWNER, java.util.Optional.of(ADELE), "test");
        browser.click("header form[action$='/logout'] button");
        browser.waitForUrl("/login");

        // Login rate limiting: five wrong passwords, then even the right one waits.
        for (int i = 0; i < 5; i++) {
            browser.type("#username", "adele");
            browser.type("#password", "wrong-password-" + i);
            browser.submit("#sign-in");
            browser.waitForUrl("/login");
        }
        browser.type("#username", "adele");
        browser.type("#password", "Adele-owner-passphrase");
        browser.submit("#sign-in");
        assertThat(browser.page()).contains("Too many failed sign-ins");
        throttle.succeeded("adele"); // as if the 15 minutes had passed

        browser.type("#username", "adele");
        browser.type("#password", "Adele-owner-passphrase");
        browser.submit("#sign-in");
        browser.find("main h1");
        assertThat(browser.text("main h1")).isEqualTo("Your mailboxes");
        assertThat(browser.page()).contains(ADELE).doesNotContain(NANCY).doesNotContain("Settings");

        browser.go(BASE + "/mailboxes/" + nancyMailbox);
        assertThat(browser.page()).contains("Not found").doesNotContain(NANCY);
        browser.go(orgUrl);
        assertThat(browser.page()).contains("Not found");
        browser.go(BASE + "/settings/users");
        assertThat(browser.page()).doesNotContain("Create user");

        browser.go(BASE + "/");
        browser.find("main .cards a").click();
        browser.click("#authorize");
        signInAtEmulator(ADELE, "Adele-Passw0rd!");
        browser.waitForUrl(BASE + "/mailboxes/");
        assertThat(browser.text("#mailbox-status")).isEqualTo("Authorized");
    }

    // --- helpers -------------------------------------------------------------------------------------

    private void newConnection(String name, String mode) {
        browser.go(orgUrl);
        browser.click("#new-connection");
        browser.type("#name", name);
        browser.select("#signInMode", mode);
    }

    /** Creates an OAuth connection against the emulator; returns the connection page's URL. */
    private String oauthConnection(String name, String mode, String secret) {
        newConnection(name, mode);
        browser.type("#ewsUrl", ewsUrl());
        browser.type("#tenantId", TENANT);
        browser.type("#clientId", CLIENT);
        browser.type("#clientSecret", secret);
        browser.find("details summary").click();
        browser.type("#loginAuthority", EMULATOR.emulator().loginUrl().toString());
        browser.set("trustedCaPem", caPem());
        browser.click("#save-connection");
        browser.waitForText("#notice", "created");
        return browser.url();
    }

    private void addMailbox(String connectionUrl, String address) {
        browser.go(connectionUrl);
        browser.type("#address", address);
        browser.click("#add-mailbox");
        browser.waitForText("#notice", "added");
    }

    private void signInAtEmulator(String upn, String password) {
        browser.waitForUrl(EMULATOR.emulator().loginUrl().toString());
        if (browser.driver.getCurrentUrl().startsWith(BASE)) {
            return;
        }
        browser.type("input[name=login]", upn);
        browser.type("input[name=passwd]", password);
        browser.find("input[name=passwd]").submit();
    }

    private void testConnectionPasses() {
        browser.click("#test-connection");
        browser.find("#test-report");
        assertThat(browser.text("#test-result"))
                .as("test report: %s", browser.text("#test-report"))
                .isEqualTo("Passed");
        assertThat(browser.driver.findElements(By.cssSelector("ol.steps li.failed")))
                .isEmpty();
    }

    private static UUID mailboxId(String mailboxUrl) {
        return UUID.fromString(mailboxUrl.substring(mailboxUrl.lastIndexOf('/') + 1));
    }

    private static String ewsUrl() {
        return EMULATOR.emulator().loginUrl() + "/EWS/Exchange.asmx";
    }

    private static String caPem() {
        try {
            return Files.readString(EMULATOR.emulator().caCertificate());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("mailbridge-web-test");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
