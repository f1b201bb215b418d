package dev.mailbridge.server.api;

import dev.mailbridge.core.store.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real HTTP against the server on its port, as an API client would call it. Every response body is kept,
 * so a test can prove afterwards that no secret or token was in any of them.
 */
final class ApiClient {
    /**
     * What every in-process server test starts with: a fresh embedded database, a temporary data folder,
     * and the token sweep out of the way (a day away), so that only what the test does happens.
     */
    static void embeddedServer(DynamicPropertyRegistry registry) {
        TestDatabases.Target db = TestDatabases.fresh(TestDatabases.Kind.H2);
        String dataDir = TestDatabases.tempDir().toString();
        registry.add("mailbridge.database-url", db::url);
        registry.add("mailbridge.data-dir", () -> dataDir);
        registry.add("mailbridge.sweep-initial-delay", () -> "PT24H");
    }

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Every body any client received, for the leak check. */
    final List<String> seen = new CopyOnWriteArrayList<>();

    private final String base;

    ApiClient(int port) {
        this.base = "http://localhost:" + port;
    }

    /** A response: status, content type and parsed JSON (null when the body is empty or not JSON). */
    record Reply(int status, String contentType, String body, JsonNode json) {
        /** Fails the test, showing the whole answer, unless the status is {@code expected}. */
        Reply expect(int expected) {
            org.assertj.core.api.Assertions.assertThat(status).as(toString()).isEqualTo(expected);
            return this;
        }

        JsonNode get(String field) {
            return json.get(field);
        }

        String text(String field) {
            JsonNode n = json.get(field);
            return n == null || n.isNull() ? null : n.asString();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Reply send(String method, String path, String key, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Accept", "application/json");
            if (key != null) {
                b.header("Authorization", "Bearer " + key);
            }
            String payload = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
            if (payload != null) {
                b.header("Content-Type", "application/json");
                b.method(method, HttpRequest.BodyPublishers.ofString(payload));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            seen.add(r.body());
            r.headers().map().forEach((name, values) -> seen.add(name + ": " + String.join(",", values)));
            String type = r.headers().firstValue("Content-Type").orElse("");
            JsonNode json = null;
            if (type.contains("json") && !r.body().isBlank()) {
                json = JSON.readTree(r.body());
            }
            return new Reply(r.statusCode(), type, r.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path, String key) {
        return send("GET", path, key, null);
    }

    Reply post(String path, String key, Object body) {
        return send("POST", path, key, body);
    }

    Reply put(String path, String key, Object body) {
        return send("PUT", path, key, body);
    }

    Reply delete(String path, String key) {
        return send("DELETE", path, key, null);
    }

    /**
     * An organisation with one Exchange Server connection to the emulator's northwind.local: the
     * ews.service account impersonating each mailbox (Basic). Returns the connection's ID.
     */
    String northwindServiceConnection(String writerKey, String organisation, dev.mailbridge.emulator.Emulator emulator)
            throws java.io.IOException {
        Reply org = post("/api/v1/organisations", writerKey, java.util.Map.of("name", organisation));
        org.expect(201);
        java.util.Map<String, Object> settings = new java.util.LinkedHashMap<>();
        settings.put("name", "Service account");
        settings.put("signInMode", "BASIC_IMPERSONATED");
        settings.put("ewsUrl", emulator.loginUrl() + emulator.exchange().ewsPath());
        settings.put("username", "ews.service@northwind.local");
        settings.put("password", "Ews-Service1!");
        settings.put("trustedCaPem", java.nio.file.Files.readString(emulator.caCertificate()));
        Reply c = post("/api/v1/organisations/" + org.text("id") + "/connections", writerKey, settings);
        c.expect(201);
        return c.text("id");
    }
}
