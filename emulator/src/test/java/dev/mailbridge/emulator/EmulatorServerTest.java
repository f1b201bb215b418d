package dev.mailbridge.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emulator as a server: TLS with its own CA, listeners per cloud, the control API, describe. */
class EmulatorServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path state;

    static Emulator emulator;
    static HttpClient client;

    @BeforeAll
    static void start() {
        emulator = Emulator.start(EmulatorOptions.builder()
                .httpsPort(0)
                .httpPort(0)
                .extraHostNames("autodiscover.contoso.com")
                .stateDir(state)
                .build());
        client = HttpClient.newBuilder().sslContext(emulator.sslContext()).build();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void servesHttpsWithACertificateIssuedByItsOwnCa() throws Exception {
        HttpResponse<String> response = get(emulator.loginUrl() + "/_emulator/health");
        assertThat(response.statusCode()).isEqualTo(200);
        SSLSession session = response.sslSession().orElseThrow();
        X509Certificate leaf = (X509Certificate) session.getPeerCertificates()[0];
        X509Certificate ca = readPem(emulator.caCertificate());
        leaf.verify(ca.getPublicKey());
        assertThat(leaf.getSubjectAlternativeNames())
                .extracting(entry -> entry.get(1).toString())
                .contains("localhost", "127.0.0.1", "autodiscover.contoso.com");
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefused() {
        HttpClient untrusting = HttpClient.newHttpClient();
        assertThatThrownBy(() -> untrusting.send(
                        HttpRequest.newBuilder(URI.create(emulator.loginUrl() + "/_emulator/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void keepsItsCaAcrossRestartsInTheSameStateFolder() throws Exception {
        X509Certificate before = readPem(emulator.caCertificate());
        try (Emulator second = Emulator.start(
                EmulatorOptions.builder().httpsPort(0).stateDir(state).build())) {
            assertThat(readPem(second.caCertificate())).isEqualTo(before);
            assertThat(Files.getPosixFilePermissions(state.resolve("ca-key.pem")))
                    .extracting(Object::toString)
                    .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        }
    }

    @Test
    void opensOneListenerPerCloudAndAnOptionalPlainHttpPort() throws Exception {
        for (Cloud cloud : Cloud.values()) {
            assertThat(get(emulator.loginUrl(cloud) + "/_emulator/health").statusCode())
                    .as(cloud.id())
                    .isEqualTo(200);
        }
        assertThat(emulator.loginUrl(Cloud.USGOV)).isNotEqualTo(emulator.loginUrl());
        URI http = emulator.httpUrl().orElseThrow();
        assertThat(http.getScheme()).isEqualTo("http");
        assertThat(HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(http + "/_emulator/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void theClockMovesOnlyWhenTold() throws Exception {
        Instant before = emulator.clock().instant();
        HttpResponse<String> advanced = post("/_emulator/clock/advance", "{\"duration\":\"P91D\"}");
        assertThat(advanced.statusCode()).isEqualTo(200);
        Instant now = Instant.parse(JSON.readTree(advanced.body()).path("now").asText());
        assertThat(Duration.between(before, now))
                .isBetween(Duration.ofDays(91), Duration.ofDays(91).plusMinutes(1));
        assertThat(emulator.clock().offset()).isEqualTo(Duration.ofDays(91));

        assertThat(post("/_emulator/clock/reset", "").statusCode()).isEqualTo(200);
        assertThat(emulator.clock().offset()).isZero();
    }

    @Test
    void badControlRequestsGetAClearJsonAnswer() throws Exception {
        HttpResponse<String> garbage = post("/_emulator/clock/advance", "not json");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(garbage.body()).path("error").asText()).isEqualTo("invalid_request");

        HttpResponse<String> badDuration = post("/_emulator/clock/advance", "{\"duration\":\"91 days\"}");
        assertThat(badDuration.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badDuration.body()).path("error_description").asText())
                .contains("ISO-8601");

        HttpResponse<String> wrongMethod = get(emulator.loginUrl() + "/_emulator/clock/advance");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);

        HttpResponse<String> unknown = get(emulator.loginUrl() + "/no/such/thing");
        assertThat(unknown.statusCode()).isEqualTo(404);
        JsonNode body = JSON.readTree(unknown.body());
        assertThat(body.path("error").asText()).isEqualTo("not_found");
        assertThat(unknown.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }

    @Test
    void describesItselfWithTheFieldsScriptsRelyOn() throws Exception {
        Path file = state.resolve("out/emulator.json");
        emulator.writeDescribe(file);
        JsonNode doc = JSON.readTree(Files.readString(file));
        assertThat(Path.of(doc.path("caCertificate").asText())).exists();
        assertThat(doc.path("login").asText()).isEqualTo(emulator.loginUrl().toString());
        assertThat(doc.has("ews")).isTrue();
        assertThat(doc.path("graph").asText()).isEqualTo(emulator.loginUrl() + "/v1.0");
        assertThat(doc.path("clouds").path("usgov").asText())
                .isEqualTo(emulator.loginUrl(Cloud.USGOV).toString());
        JsonNode tenants = doc.path("tenants");
        assertThat(tenants.isArray()).isTrue();
        assertThat(tenants).anySatisfy(t -> assertThat(t.path("kind").asText()).isEqualTo("online"));
        assertThat(tenants).anySatisfy(t -> assertThat(t.path("kind").asText()).isEqualTo("onprem"));
        for (JsonNode tenant : tenants) {
            assertThat(tenant.path("id").asText()).isNotBlank();
            assertThat(tenant.path("domain").asText()).isNotBlank();
            assertThat(tenant.path("users")).allSatisfy(u -> {
                assertThat(u.path("upn").asText()).contains("@");
                assertThat(u.path("password").asText()).isNotBlank();
            });
            assertThat(tenant.path("apps")).allSatisfy(a -> {
                assertThat(a.path("clientId").asText()).isNotBlank();
                assertThat(a.path("redirectUris").isArray()).isTrue();
                assertThat(a.path("delegated").isArray()).isTrue();
                assertThat(a.path("application").isArray()).isTrue();
            });
        }
        assertThat(JSON.readTree(
                        get(emulator.loginUrl() + "/_emulator/describe").body()))
                .isEqualTo(doc);
    }

    @Test
    void aBrokenConfigurationIsExplained() {
        assertThatThrownBy(() -> Emulator.start(
                        EmulatorOptions.builder().configText("tenants: [").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid YAML or JSON");
        assertThatThrownBy(() -> Emulator.start(EmulatorOptions.builder()
                        .configFile(state.resolve("missing.yaml"))
                        .build()))
                .hasMessageContaining("Configuration file not found");
    }

    private HttpResponse<String> get(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(emulator.loginUrl() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static X509Certificate readPem(Path file) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file)));
    }
}
