package dev.mailbridge.ews.autodiscover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.EmulatorOptions;
import dev.mailbridge.emulator.autodiscover.AutodiscoverService;
import dev.mailbridge.emulator.autodiscover.AutodiscoverService.Failure;
import dev.mailbridge.emulator.autodiscover.AutodiscoverService.Hit;
import dev.mailbridge.emulator.autodiscover.AutodiscoverService.Surface;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.TestProxy;
import dev.mailbridge.ews.EwsProtocol;
import dev.mailbridge.ews.SignIn;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.credential.BasicAuthenticator;
import dev.mailbridge.identity.credential.BasicCredential;
import dev.mailbridge.identity.http.HttpSettings;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The real candidate sequence, with real TLS, against the emulator under real-looking host names: a
 * routing proxy ({@link TestProxy}) sends {@code host:443} to the emulator's HTTPS port and
 * {@code host:80} to its HTTP port for the names below (all in the emulator's certificate) and
 * refuses everything else, recording every request.
 */
class AutodiscoverClientTest {
    static final List<String> CHAIN = IntStream.rangeClosed(0, 11)
            .mapToObj(i -> "d" + i + ".chain.example")
            .toList();
    static final List<String> NAMES = names();

    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withOptions(EmulatorOptions.builder()
            .httpsPort(0)
            .httpPort(0)
            .extraHostNames(NAMES.toArray(String[]::new))
            .build());

    static final String NANCY = "nancy.davolio@northwind.local";
    static final BasicAuthenticator NANCY_BASIC =
            new BasicAuthenticator(BasicCredential.of(NANCY, Secret.of("Nancy-Passw0rd!")));

    static Emulator emulator;
    static AutodiscoverService ad;
    static TestProxy proxy;
    static HttpSettings http;
    static final List<byte[]> requests = new CopyOnWriteArrayList<>();

    static List<String> names() {
        List<String> n = new ArrayList<>(List.of(
                "northwind.local",
                "autodiscover.northwind.local",
                "mail.northwind.local",
                "autodiscover.local",
                "autodiscover.com",
                "autodiscover-s.outlook.com",
                "fabrikam.example",
                "autodiscover.fabrikam.example",
                "tailspin.example",
                "autodiscover.tailspin.example",
                "evil.example",
                "loopa.chain.example",
                "loopb.chain.example"));
        n.addAll(CHAIN);
        return n;
    }

    @BeforeAll
    static void setUp() throws Exception {
        emulator = EMULATOR.emulator();
        ad = emulator.autodiscover();
        int https = emulator.loginUrl().getPort();
        int plain = emulator.httpUrl().orElseThrow().getPort();
        proxy = TestProxy.open();
        for (String name : NAMES) {
            proxy.route(name, 443, https).route(name, 80, plain);
        }
        proxy.route("localhost", https, https); // the EWS URL the emulator answers with
        http = HttpSettings.builder()
                .trustPem(emulator.caCertificate())
                .proxy("127.0.0.1", proxy.port())
                .build();
    }

    @AfterAll
    static void tearDown() throws Exception {
        proxy.close();
    }

    @BeforeEach
    void clean() {
        ad.clearRequests();
        proxy.clear();
        requests.clear();
    }

    @AfterEach
    void reset() {
        ad.clearFailures();
        ad.httpRedirectLocation(null);
        for (String d : List.of("fabrikam.example", "tailspin.example", "loopa.chain.example", "loopb.chain.example")) {
            ad.removeRedirect(d);
        }
        CHAIN.forEach(ad::removeRedirect);
        // every SOAP/POX request the client wrote is well-formed and shaped as Microsoft documents it
        requests.forEach(AutodiscoverClientTest::assertWellFormed);
        noCredentialsLeaked();
    }

    static AutodiscoverClient.Builder onPrem() {
        return AutodiscoverClient.builder(http).credentials(NANCY_BASIC).requestObserver((op, headers, body) -> {
            assertThat(headers).doesNotContainKey("Authorization");
            requests.add(body);
        });
    }

    /** The invariant of every test: credentials only over HTTPS, never to autodiscover.<tld> or a bare name. */
    static void noCredentialsLeaked() {
        for (Hit h : ad.requests()) {
            if (h.sentCredentials()) {
                assertThat(h.scheme()).as("credentials over %s", h).isEqualTo("https");
                assertThat(CredentialScope.isLeakHost(h.host()))
                        .as("leak host %s", h)
                        .isFalse();
            }
        }
        assertThat(proxy.seen()).noneMatch(s -> s.authorization()); // no Authorization over plain HTTP
        assertThat(proxy.seen())
                .noneMatch(s -> s.host().equals("autodiscover.local")
                        || s.host().equals("autodiscover.com")
                        || s.host().equals("local")
                        || s.host().equals("example"));
    }

    static void assertWellFormed(byte[] body) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
            Element root = doc.getDocumentElement();
            if (root.getLocalName().equals("Envelope")) {
                assertThat(root.getNamespaceURI()).isEqualTo(AutodiscoverWire.SOAP_NS);
                assertThat(doc.getElementsByTagNameNS(AutodiscoverWire.WSA_NS, "Action")
                                .item(0)
                                .getTextContent())
                        .isEqualTo(AutodiscoverWire.ACTION);
                assertThat(doc.getElementsByTagNameNS(AutodiscoverWire.AD_NS, "GetUserSettingsRequestMessage")
                                .getLength())
                        .isEqualTo(1);
                assertThat(doc.getElementsByTagNameNS(AutodiscoverWire.AD_NS, "Mailbox")
                                .item(0)
                                .getTextContent())
                        .contains("@");
                assertThat(doc.getElementsByTagNameNS(AutodiscoverWire.AD_NS, "Setting")
                                .getLength())
                        .isEqualTo(AutodiscoverWire.SETTINGS.size());
            } else {
                assertThat(root.getLocalName()).isEqualTo("Autodiscover");
                assertThat(root.getNamespaceURI()).isEqualTo(AutodiscoverWire.POX_REQUEST_NS);
                assertThat(doc.getElementsByTagNameNS(AutodiscoverWire.POX_REQUEST_NS, "AcceptableResponseSchema")
                                .item(0)
                                .getTextContent())
                        .isEqualTo(AutodiscoverWire.POX_OUTLOOK_NS);
            }
        } catch (Exception e) {
            throw new AssertionError("The client wrote a request that is not well-formed: " + e, e);
        }
    }

    static List<String> hits() {
        return ad.requests().stream()
                .map(h -> h.surface() + " " + h.scheme() + "://" + h.host() + " " + h.status())
                .toList();
    }

    // --- Exchange Online --------------------------------------------------------------------------

    @Test
    void exchangeOnlineWithAutodiscoverV2IsAnonymous() {
        AutodiscoverClient client =
                AutodiscoverClient.builder(http).exchangeOnline().build();
        AutodiscoverResult r = client.discover("adele.vance@contoso.onmicrosoft.com");
        assertThat(r.surface()).isEqualTo(AutodiscoverSurface.JSON_V2);
        assertThat(r.ewsUrl().getPath()).isEqualToIgnoringCase("/EWS/Exchange.asmx");
        assertThat(r.answeredBy())
                .isEqualTo(URI.create("https://autodiscover-s.outlook.com/autodiscover/autodiscover.json"));
        assertThat(hits()).containsExactly("JSON https://autodiscover-s.outlook.com 200");
        assertThat(ad.requests()).noneMatch(Hit::sentCredentials);
        assertThat(proxy.seen()).extracting(s -> s.host() + ":" + s.port()).contains("autodiscover-s.outlook.com:443");
    }

    @Test
    void autodiscoverV2FollowsADomainRedirect() {
        ad.redirect("fabrikam.example", "contoso.onmicrosoft.com");
        AutodiscoverResult r =
                AutodiscoverClient.builder(http).exchangeOnline().build().discover("adele.vance@fabrikam.example");
        assertThat(r.ewsUrl().getPath()).isEqualToIgnoringCase("/EWS/Exchange.asmx");
        assertThat(ad.requests()).hasSize(2).allMatch(h -> h.surface() == Surface.JSON && !h.sentCredentials());
    }

    @Test
    void autodiscoverV2UnknownUserIsATypedError() {
        assertThatThrownBy(() -> AutodiscoverClient.builder(http)
                        .exchangeOnline()
                        .build()
                        .discover("nobody@unknown.example"))
                .isInstanceOfSatisfying(AutodiscoverException.class, e -> {
                    assertThat(e.attempts()).hasSize(1);
                    assertThat(e.attempts().get(0).outcome()).isEqualTo("HTTP 404");
                    assertThat(e.getMessage())
                            .contains("autodiscover-s.outlook.com")
                            .contains("HTTP 404");
                });
    }

    // --- Exchange Server: SOAP and POX ---------------------------------------------------------------

    @Test
    void onPremisesWithSoapThenTheEwsUrlWorks() {
        AutodiscoverResult r = onPrem().build().discover(NANCY);
        assertThat(r.surface()).isEqualTo(AutodiscoverSurface.SOAP);
        assertThat(r.answeredBy()).isEqualTo(URI.create("https://northwind.local/autodiscover/autodiscover.svc"));
        assertThat(r.displayName()).isEqualTo("Nancy Davolio");
        assertThat(r.mailbox()).isEqualTo(NANCY);
        assertThat(r.internalEwsUrl()).isNotNull();
        assertThat(r.settings()).containsKeys("InternalEwsUrl", "ExternalEwsUrl", "CasVersion");
        assertThat(hits()).containsExactly("SOAP https://northwind.local 200");
        assertThat(requests).hasSize(1);

        var inbox = EwsProtocol.builder(r.ewsUrl())
                .httpSettings(http)
                .build()
                .client(SignIn.basic(BasicCredential.of(NANCY, Secret.of("Nancy-Passw0rd!"))))
                .folder(FolderRef.inbox());
        assertThat(inbox.displayName()).isEqualTo("Inbox");
    }

    @Test
    void onPremisesWithPox() {
        AutodiscoverResult r =
                onPrem().surfaces(AutodiscoverSurface.POX).build().discover(NANCY);
        assertThat(r.surface()).isEqualTo(AutodiscoverSurface.POX);
        assertThat(r.displayName()).isEqualTo("Nancy Davolio");
        assertThat(r.ewsUrl().getPath()).isEqualToIgnoringCase("/EWS/Exchange.asmx");
        assertThat(hits()).containsExactly("POX https://northwind.local 200");
    }

    @Test
    void wrongPasswordIsReportedPerCandidateWithoutTheSecret() {
        AutodiscoverClient client = AutodiscoverClient.builder(http)
                .credentials(new BasicAuthenticator(BasicCredential.of(NANCY, Secret.of("wrong-Passw0rd"))))
                .httpRedirectMethod(false)
                .build();
        assertThatThrownBy(() -> client.discover(NANCY)).isInstanceOfSatisfying(AutodiscoverException.class, e -> {
            assertThat(e.attempts()).hasSize(4).allMatch(a -> a.outcome().startsWith("HTTP 401"));
            assertThat(e.getMessage()).doesNotContain("wrong-Passw0rd").doesNotContain("Basic ");
        });
    }

    @Test
    void theCandidateSequenceFallsThroughInjectedFailures() {
        ad.fail(Failure.status(Surface.SOAP, 404).onHost("northwind.local"));
        ad.fail(Failure.status(Surface.POX, 500).onHost("northwind.local"));
        ad.fail(Failure.status(Surface.SOAP, 500).onHost("autodiscover.northwind.local"));
        AutodiscoverResult r = onPrem().build().discover(NANCY);
        assertThat(r.surface()).isEqualTo(AutodiscoverSurface.POX);
        assertThat(r.answeredBy())
                .isEqualTo(URI.create("https://autodiscover.northwind.local/autodiscover/autodiscover.xml"));
        assertThat(hits())
                .containsExactly(
                        "SOAP https://northwind.local 404",
                        "POX https://northwind.local 500",
                        "SOAP https://autodiscover.northwind.local 500",
                        "POX https://autodiscover.northwind.local 200");
    }

    @Test
    void aHangingCandidateTimesOutAndUnreachableHostsAreSkipped() {
        ad.fail(Failure.hang(Surface.SOAP).onHost("northwind.local"));
        // The hang outlasts the request timeout by far, and the timeout leaves room for a connection
        // through the test proxy on a loaded machine (at 700 ms a busy CI run once timed out connecting).
        ad.hangFor(Duration.ofSeconds(8));
        proxy.unroute("autodiscover.northwind.local", 443); // as if it had no DNS record
        try {
            AutodiscoverClient client = onPrem().surfaces(AutodiscoverSurface.SOAP)
                    .requestTimeout(Duration.ofSeconds(2))
                    .httpRedirectMethod(false)
                    .build();
            assertThatThrownBy(() -> client.discover(NANCY)).isInstanceOfSatisfying(AutodiscoverException.class, e -> {
                assertThat(e.attempts().get(0).outcome()).startsWith("failed: HttpTimeoutException");
                assertThat(e.attempts().get(1).outcome()).startsWith("not reached:");
                assertThat(e.attempts().get(1).credentialsSent()).isFalse();
            });
        } finally {
            proxy.route("autodiscover.northwind.local", 443, emulator.loginUrl().getPort());
        }
    }

    // --- redirects ---------------------------------------------------------------------------------

    @Test
    void redirectAddressToAForeignDomainNeedsApproval() {
        ad.redirect("fabrikam.example", "northwind.local");
        String address = "nancy.davolio@fabrikam.example";
        assertThatThrownBy(() -> onPrem().httpRedirectMethod(false).build().discover(address))
                .isInstanceOfSatisfying(AutodiscoverException.class, e -> {
                    assertThat(e.attempts().get(0).outcome()).isEqualTo("redirectAddr to " + NANCY);
                    assertThat(e.attempts().subList(1, e.attempts().size())).allSatisfy(a -> {
                        assertThat(a.credentialsSent()).isFalse();
                        assertThat(a.outcome()).contains("outside the user's domain fabrikam.example");
                    });
                });
        assertThat(ad.requests()).noneMatch(h -> h.host().endsWith("northwind.local"));
        assertThat(proxy.seen()).noneMatch(s -> s.host().endsWith("northwind.local"));

        ad.clearRequests();
        AutodiscoverResult r =
                onPrem().approvedDomains("northwind.local").build().discover(address);
        assertThat(r.mailbox()).isEqualTo(NANCY);
        assertThat(r.requestedAddress()).isEqualTo(address);
        assertThat(hits()).containsExactly("SOAP https://fabrikam.example 200", "SOAP https://northwind.local 200");
    }

    @Test
    void redirectUrlToAForeignHostNeedsApprovalAndLoopsAreCaught() {
        ad.redirect("tailspin.example", "https://evil.example/autodiscover/autodiscover.xml");
        String address = "nancy.davolio@tailspin.example";
        assertThatThrownBy(() -> onPrem().surfaces(AutodiscoverSurface.SOAP)
                        .httpRedirectMethod(false)
                        .build()
                        .discover(address))
                .isInstanceOf(AutodiscoverException.class)
                .hasMessageContaining("redirectUrl to https://evil.example/autodiscover/autodiscover.svc")
                .hasMessageContaining("refused: evil.example is outside the user's domain");
        assertThat(proxy.seen()).noneMatch(s -> s.host().equals("evil.example"));

        // approved: followed (with .svc for SOAP), and the emulator redirects again to the same URL: a loop
        ad.clearRequests();
        assertThatThrownBy(() -> onPrem().surfaces(AutodiscoverSurface.SOAP)
                        .httpRedirectMethod(false)
                        .approvedDomains("evil.example")
                        .build()
                        .discover(address))
                .isInstanceOf(AutodiscoverException.class)
                .hasMessageContaining("redirect loop");
        assertThat(hits())
                .containsExactly(
                        "SOAP https://tailspin.example 200",
                        "SOAP https://evil.example 200",
                        "SOAP https://autodiscover.tailspin.example 200"); // its redirect to evil.example: a loop
    }

    @Test
    void redirectAddressLoopsAndTheHopLimit() {
        ad.redirect("loopa.chain.example", "loopb.chain.example");
        ad.redirect("loopb.chain.example", "loopa.chain.example");
        assertThatThrownBy(() -> onPrem().surfaces(AutodiscoverSurface.SOAP)
                        .httpRedirectMethod(false)
                        .approvedDomains("chain.example")
                        .build()
                        .discover("x@loopa.chain.example"))
                .isInstanceOf(AutodiscoverException.class)
                .hasMessageContaining("redirect loop: redirectAddr to x@loopa.chain.example already tried");

        for (int i = 0; i < CHAIN.size() - 1; i++) {
            ad.redirect(CHAIN.get(i), CHAIN.get(i + 1));
        }
        ad.clearRequests();
        assertThatThrownBy(() -> onPrem().surfaces(AutodiscoverSurface.SOAP)
                        .httpRedirectMethod(false)
                        .approvedDomains("chain.example")
                        .build()
                        .discover("x@d0.chain.example"))
                .isInstanceOf(AutodiscoverException.class)
                .hasMessageContaining("more than 10 redirects");
        assertThat(ad.requests()).extracting(Hit::host).containsExactlyElementsOf(CHAIN.subList(0, 11));
    }

    // --- the HTTP redirect method ------------------------------------------------------------------

    @Test
    void httpRedirectMethodIsAnonymousAndItsTargetIsValidated() {
        for (String host : List.of("northwind.local", "autodiscover.northwind.local")) {
            ad.fail(Failure.status(Surface.SOAP, 404).onHost(host));
            ad.fail(Failure.status(Surface.POX, 404).onHost(host));
        }
        ad.httpRedirectLocation("https://mail.northwind.local/autodiscover/autodiscover.xml");
        AutodiscoverResult r = onPrem().build().discover(NANCY);
        assertThat(r.answeredBy()).isEqualTo(URI.create("https://mail.northwind.local/autodiscover/autodiscover.svc"));
        Hit probe = ad.requests().get(4);
        assertThat(probe.surface()).isEqualTo(Surface.HTTP_REDIRECT);
        assertThat(probe.scheme()).isEqualTo("http");
        assertThat(probe.method()).isEqualTo("GET");
        assertThat(probe.sentCredentials()).isFalse();
        assertThat(probe.status()).isEqualTo(302);
        assertThat(proxy.seen()).anyMatch(s -> s.method().equals("GET") && s.port() == 80 && !s.authorization());

        // the emulator's default Location is https://localhost:PORT/...: not the user's domain, so refused
        ad.httpRedirectLocation(null);
        ad.clearRequests();
        assertThatThrownBy(() -> onPrem().build().discover(NANCY))
                .isInstanceOf(AutodiscoverException.class)
                .hasMessageContaining("302 to https://localhost:")
                .hasMessageContaining("refused: localhost");
        assertThat(ad.requests()).noneMatch(h -> h.host().equals("localhost"));
    }

    @Test
    void httpRedirectToTheLeakHostOrToPlainHttpIsRefused() {
        for (String host : List.of("northwind.local", "autodiscover.northwind.local")) {
            ad.fail(Failure.status(Surface.SOAP, 404).onHost(host));
            ad.fail(Failure.status(Surface.POX, 404).onHost(host));
        }
        ad.httpRedirectLocation("https://autodiscover.local/autodiscover/autodiscover.xml");
        assertThatThrownBy(() -> onPrem().build().discover(NANCY))
                .isInstanceOf(AutodiscoverException.class)
                .hasMessageContaining("Autodiscover leak");
        ad.httpRedirectLocation("http://mail.northwind.local/autodiscover/autodiscover.xml");
        assertThatThrownBy(() -> onPrem().build().discover(NANCY))
                .isInstanceOf(AutodiscoverException.class)
                .hasMessageContaining("not an https Autodiscover URL");
    }

    // --- the leak --------------------------------------------------------------------------------

    @Test
    void whenTheDomainsOwnCandidatesFailNothingGoesUpTheTree() {
        ad.fail(Failure.status(null, 404).onHost("northwind.local"));
        ad.fail(Failure.status(null, 500).onHost("autodiscover.northwind.local"));
        AutodiscoverClient client = onPrem().srvResolver(name -> List.of()).build();
        assertThatThrownBy(() -> client.discover(NANCY)).isInstanceOfSatisfying(AutodiscoverException.class, e -> {
            assertThat(e.attempts())
                    .extracting(AutodiscoverAttempt::url)
                    .containsExactly(
                            "https://northwind.local/autodiscover/autodiscover.svc",
                            "https://northwind.local/autodiscover/autodiscover.xml",
                            "https://autodiscover.northwind.local/autodiscover/autodiscover.svc",
                            "https://autodiscover.northwind.local/autodiscover/autodiscover.xml",
                            "http://autodiscover.northwind.local/autodiscover/autodiscover.xml");
            assertThat(e.getMessage()).contains("HTTP 404").contains("HTTP 500").contains("not a 302");
        });
        assertThat(proxy.seen())
                .extracting(TestProxy.Seen::host)
                .allMatch(h -> h.equals("northwind.local") || h.equals("autodiscover.northwind.local"));
        assertThat(ad.requests()).hasSize(5);
    }

    @Test
    void aRedirectToAutodiscoverDotTldIsRefusedEvenIfApprovedElsewhere() {
        ad.redirect("tailspin.example", "https://autodiscover.com/autodiscover/autodiscover.xml");
        assertThatThrownBy(() -> onPrem().httpRedirectMethod(false)
                        .approvedDomains("northwind.local")
                        .build()
                        .discover("nancy.davolio@tailspin.example"))
                .isInstanceOf(AutodiscoverException.class)
                .hasMessageContaining("refused: autodiscover.com is a public suffix or autodiscover.<public suffix>");
        assertThat(proxy.seen()).noneMatch(s -> s.host().equals("autodiscover.com"));
        assertThatThrownBy(() -> onPrem().approvedDomains("autodiscover.com"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- SRV, caching ----------------------------------------------------------------------------

    @Test
    void srvRecordsWithTheBestPriorityAndWeight() {
        ad.fail(Failure.status(null, 404).onHost("northwind.local"));
        ad.fail(Failure.status(null, 404).onHost("autodiscover.northwind.local"));
        AutodiscoverResult r = onPrem().httpRedirectMethod(false)
                .srvResolver(name -> {
                    assertThat(name).isEqualTo("_autodiscover._tcp.northwind.local");
                    return List.of(
                            new SrvResolver.SrvRecord(10, 100, 443, "evil.example."),
                            new SrvResolver.SrvRecord(0, 5, 443, "autodiscover.local."),
                            new SrvResolver.SrvRecord(0, 10, 443, "mail.northwind.local."));
                })
                .build()
                .discover(NANCY);
        assertThat(r.answeredBy()).isEqualTo(URI.create("https://mail.northwind.local/autodiscover/autodiscover.svc"));
        assertThat(proxy.seen())
                .noneMatch(s -> Set.of("evil.example", "autodiscover.local").contains(s.host()));
    }

    @Test
    void answersAreCachedPerAddressAndTheWorkingEndpointPerDomain() {
        MutableClock clock = new MutableClock();
        ad.fail(Failure.status(null, 404).onHost("northwind.local"));
        AutodiscoverClient client =
                onPrem().cacheTtl(Duration.ofMinutes(10)).clock(clock).build();
        AutodiscoverResult first = client.discover(NANCY);
        assertThat(first.answeredBy().getHost()).isEqualTo("autodiscover.northwind.local");
        int seen = ad.requests().size();
        assertThat(client.discover(NANCY.toUpperCase())).isEqualTo(first.forRequest(NANCY.toUpperCase()));
        assertThat(ad.requests()).hasSize(seen);

        // another address of the domain starts at the endpoint that answered
        ad.clearRequests();
        client.discover("administrator@northwind.local");
        assertThat(hits()).containsExactly("SOAP https://autodiscover.northwind.local 200");

        // expired: asked again
        clock.advance(Duration.ofMinutes(11));
        ad.clearRequests();
        client.discover(NANCY);
        assertThat(hits()).first().isEqualTo("SOAP https://northwind.local 404");
        assertThat(hits()).last().isEqualTo("SOAP https://autodiscover.northwind.local 200");
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-16T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
