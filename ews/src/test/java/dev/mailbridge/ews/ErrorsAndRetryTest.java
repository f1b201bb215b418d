package dev.mailbridge.ews;

import static dev.mailbridge.ews.support.Fixtures.backOff;
import static dev.mailbridge.ews.support.Fixtures.error;
import static dev.mailbridge.ews.support.Fixtures.fault;
import static dev.mailbridge.ews.support.Fixtures.response;
import static dev.mailbridge.ews.support.Fixtures.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.ews.error.EwsAccessBlockedException;
import dev.mailbridge.ews.error.EwsAuthenticationException;
import dev.mailbridge.ews.error.EwsServerBusyException;
import dev.mailbridge.ews.error.EwsSoapFaultException;
import dev.mailbridge.ews.error.EwsTransportException;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.ops.CreateItem;
import dev.mailbridge.ews.support.EwsSchema;
import dev.mailbridge.ews.support.FakeExchange;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.credential.BasicCredential;
import dev.mailbridge.identity.token.AccessToken;
import dev.mailbridge.identity.token.TokenSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP statuses, SOAP faults and throttling that Exchange produces, scripted by a tiny local server. */
class ErrorsAndRetryTest {
    private static final String INBOX = response(
            "GetFolder",
            success(
                    "GetFolder",
                    "<m:Folders><t:Folder><t:FolderId Id=\"I\"/><t:DisplayName>Inbox</t:DisplayName></t:Folder></m:Folders>"));

    private FakeExchange exchange;
    private EwsSchema.Validating schema;

    @BeforeEach
    void start() throws Exception {
        exchange = new FakeExchange();
        schema = new EwsSchema.Validating();
    }

    @AfterEach
    void stop() {
        exchange.close();
    }

    private EwsProtocol.Builder protocol() {
        return EwsProtocol.builder(exchange.url()).requestObserver(schema).retryBudget(Duration.ofSeconds(20));
    }

    private EwsClient basic(EwsProtocol protocol) {
        return protocol.client(SignIn.basic(BasicCredential.of("NORTHWIND\\anna", Secret.of("p@ssw0rd-secret"))));
    }

    @Test
    void serverBusyFaultIsObeyedThenRetried() {
        exchange.then(FakeExchange.soap(
                        500,
                        fault("ErrorServerBusy", "The server cannot service this request right now.", backOff(150))))
                .thenSoap(INBOX);
        assertThat(basic(protocol().build()).folder(FolderRef.inbox()).displayName())
                .isEqualTo("Inbox");
        assertThat(exchange.requests()).hasSize(2);
    }

    @Test
    void serverBusyInsideHttp200IsRetriedForReads() {
        exchange.thenSoap(response(
                        "GetFolder",
                        error(
                                "GetFolder",
                                "ErrorServerBusy",
                                "busy",
                                "<m:MessageXml><t:Value Name=\"BackOffMilliseconds\">100</t:Value></m:MessageXml>")))
                .thenSoap(INBOX);
        assertThat(basic(protocol().build()).folder(FolderRef.inbox()).displayName())
                .isEqualTo("Inbox");
    }

    @Test
    void backOffBeyondTheBudgetPausesTheMailbox() {
        exchange.then(FakeExchange.soap(500, fault("ErrorServerBusy", "busy", backOff(297_749))));
        EwsProtocol protocol = protocol().retryBudget(Duration.ofSeconds(1)).build();
        EwsClient anna = basic(protocol);
        assertThatThrownBy(() -> anna.folder(FolderRef.inbox()))
                .isInstanceOfSatisfying(EwsServerBusyException.class, e -> {
                    assertThat(e.backOff()).contains(Duration.ofMillis(297_749));
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("BackOffMilliseconds");
                });
        // The mailbox stays paused: the next call fails without reaching Exchange.
        assertThatThrownBy(() -> anna.folder(FolderRef.inbox())).isInstanceOf(EwsServerBusyException.class);
        assertThat(exchange.requests()).hasSize(1);
    }

    @Test
    void transientFaultAnd503AreRetried() {
        exchange.then(FakeExchange.soap(500, fault("ErrorInternalServerTransientError", "try again", "")))
                .then(FakeExchange.raw(503, "text/html", "Service Unavailable"))
                .thenSoap(INBOX);
        assertThat(basic(protocol().build()).folder(FolderRef.inbox()).displayName())
                .isEqualTo("Inbox");
        assertThat(exchange.requests()).hasSize(3);
    }

    @Test
    void schemaFaultIsTypedAndNotRetried() {
        exchange.then(
                FakeExchange.soap(500, fault("ErrorSchemaValidation", "The request failed schema validation.", "")));
        assertThatThrownBy(() -> basic(protocol().build()).folder(FolderRef.inbox()))
                .isInstanceOfSatisfying(EwsSoapFaultException.class, e -> {
                    assertThat(e.responseCode()).contains("ErrorSchemaValidation");
                    assertThat(e.faultCode()).isEqualTo("a:ErrorSchemaValidation");
                    assertThat(e.httpStatus()).isEqualTo(500);
                });
        assertThat(exchange.requests()).hasSize(1);
    }

    @Test
    void http403ExplainsTheTenantPolicyAndTheShutdown() {
        exchange.then(FakeExchange.raw(403, "text/html", "Forbidden"));
        assertThatThrownBy(() -> basic(protocol().build()).folder(FolderRef.inbox()))
                .isInstanceOf(EwsAccessBlockedException.class)
                .hasMessageContaining("EwsEnabled")
                .hasMessageContaining("EwsAllowedAppIDs")
                .hasMessageContaining("1 October 2026")
                .hasMessageContaining("1 April 2027")
                .hasMessageContaining("Microsoft Graph");
    }

    @Test
    void basic401IsNotRetriedAndNeverShowsThePassword() {
        exchange.always(FakeExchange.raw(401, null, ""));
        assertThatThrownBy(() -> basic(protocol().build()).folder(FolderRef.inbox()))
                .isInstanceOf(EwsAuthenticationException.class)
                .hasMessageContaining("user name or password")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("p@ssw0rd-secret"));
        assertThat(exchange.requests()).hasSize(1);
    }

    /** A token source whose every token is distinct; counts invalidations. */
    static final class CountingTokens implements TokenSource {
        final AtomicInteger issued = new AtomicInteger();
        final AtomicInteger invalidated = new AtomicInteger();
        private volatile String current;

        @Override
        public synchronized AccessToken token() {
            if (current == null) {
                current = "tok-" + issued.incrementAndGet();
            }
            return new AccessToken(
                    Secret.of(current), Instant.now(), Instant.now().plusSeconds(3600), java.util.Optional.empty());
        }

        @Override
        public AccessToken refreshNow() {
            current = null;
            return token();
        }

        @Override
        public synchronized boolean invalidate(String rejected) {
            invalidated.incrementAndGet();
            current = null;
            return true;
        }
    }

    @Test
    void expiredTokenIsRefreshedOnceThenGivesUpWithTheDiagnostics() {
        CountingTokens tokens = new CountingTokens();
        FakeExchange.Responder expired = (ex, req) -> {
            ex.getResponseHeaders()
                    .add(
                            "x-ms-diagnostics",
                            "2000002;reason=\"The token has expired.\";error_category=\"invalid_lifetime\"");
            ex.sendResponseHeaders(401, -1);
        };
        exchange.then(expired).thenSoap(INBOX);
        EwsClient client = protocol().build().client(SignIn.appOnly(tokens, "adele.vance@contoso.onmicrosoft.com"));
        assertThat(client.folder(FolderRef.inbox()).displayName()).isEqualTo("Inbox");
        assertThat(exchange.requests().get(0).header("Authorization")).isEqualTo("Bearer tok-1");
        assertThat(exchange.requests().get(1).header("Authorization")).isEqualTo("Bearer tok-2");
        assertThat(exchange.requests().get(1).header("X-AnchorMailbox"))
                .isEqualTo("adele.vance@contoso.onmicrosoft.com");
        assertThat(exchange.requests().get(1).body())
                .contains("<t:SmtpAddress>adele.vance@contoso.onmicrosoft.com</t:SmtpAddress>");

        exchange.then(expired).then(expired).thenSoap(INBOX);
        assertThatThrownBy(() -> client.folder(FolderRef.inbox()))
                .isInstanceOfSatisfying(EwsAuthenticationException.class, e -> {
                    assertThat(e.diagnostics())
                            .hasValueSatisfying(d -> assertThat(d).startsWith("2000002"));
                    assertThat(e.getMessage()).contains("expired").doesNotContain("tok-");
                });
        assertThat(exchange.requests()).hasSize(4);
    }

    @Test
    void droppedConnectionIsRetriedForReadsButNotForSends() {
        FakeExchange.Responder drop = (ex, req) -> {
            throw new java.io.IOException("drop");
        };
        exchange.then(drop).thenSoap(INBOX);
        EwsClient client = basic(protocol().build());
        assertThat(client.folder(FolderRef.inbox()).displayName()).isEqualTo("Inbox");

        exchange.then(drop).thenSoap(response("CreateItem", success("CreateItem", "<m:Items/>")));
        assertThatThrownBy(() -> client.execute(CreateItem.send(CreateItem.NewMessage.text("s", "b", "x@example.com"))))
                .isInstanceOf(EwsTransportException.class);
        assertThat(exchange.requests()).hasSize(3);
    }

    @Test
    void concurrentRequestsPerMailboxAreCapped() throws Exception {
        AtomicInteger active = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        exchange.always((ex, req) -> {
            int now = active.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            active.decrementAndGet();
            FakeExchange.soap(200, INBOX).respond(ex, req);
        });
        EwsClient client = basic(protocol().maxConcurrentRequestsPerMailbox(2).build());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                futures.add(pool.submit(() -> client.folder(FolderRef.inbox())));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(exchange.requests()).hasSize(16);
        assertThat(peak.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void concurrencyAboveExchangeOnlineLimitIsRejected() {
        assertThatThrownBy(() -> protocol().maxConcurrentRequestsPerMailbox(27))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
