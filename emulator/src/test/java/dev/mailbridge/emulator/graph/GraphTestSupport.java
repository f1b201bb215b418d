package dev.mailbridge.emulator.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.entra.EntraFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Tokens from the emulator's Entra, HTTPS calls to its Graph, and a local notification receiver. */
final class GraphTestSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TENANT = "contoso.onmicrosoft.com";
    static final String WEB_APP = "c0a7c0a7-0000-4000-8000-0000000000a1";
    static final String WEB_SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";
    static final String ADELE = "adele.vance@contoso.onmicrosoft.com";
    static final String ADELE_OID = "c0a7c0a7-0000-4000-8000-000000000101";
    static final String ADMIN = "admin@contoso.onmicrosoft.com";
    static final String GRAPH_DEFAULT = "https://graph.microsoft.com/.default";

    final Emulator emulator;
    final String base;
    final String graph;
    final HttpClient http;

    GraphTestSupport(Emulator emulator) {
        this.emulator = emulator;
        this.base = emulator.loginUrl().toString();
        this.graph = emulator.graphUrl(dev.mailbridge.emulator.Cloud.GLOBAL).toString();
        this.http = HttpClient.newBuilder().sslContext(emulator.sslContext()).build();
    }

    // ----- tokens -----

    String appToken(String scope) throws Exception {
        return appToken(WEB_APP, WEB_SECRET, scope);
    }

    String appToken() throws Exception {
        return appToken(GRAPH_DEFAULT);
    }

    String appToken(String clientId, String secret, String scope) throws Exception {
        return EntraFixture.clientCredentialsToken(emulator, base, clientId, secret, scope);
    }

    String userToken(String upn, String password, String scope) throws Exception {
        return EntraFixture.authorizationCodeToken(emulator, base, upn, password, scope);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ----- Graph calls -----

    /** A Graph answer: status, headers and the body as text and (when it is JSON) as a tree. */
    record Answer(int status, HttpResponse<byte[]> raw, String text) {
        JsonNode json() {
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                throw new AssertionError("Not JSON (" + status + "): " + text, e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    Answer call(String method, String pathOrUrl, String token, String contentType, String body, String... headers)
            throws Exception {
        String url = pathOrUrl.startsWith("http") ? pathOrUrl : graph + pathOrUrl;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (body != null) {
            b.header("Content-Type", contentType);
            b.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r, new String(r.body(), StandardCharsets.UTF_8));
    }

    Answer get(String path, String token, String... headers) throws Exception {
        return call("GET", path, token, null, null, headers);
    }

    Answer post(String path, String token, String json) throws Exception {
        return call("POST", path, token, "application/json", json);
    }

    Answer patch(String path, String token, String json) throws Exception {
        return call("PATCH", path, token, "application/json", json);
    }

    Answer delete(String path, String token) throws Exception {
        return call("DELETE", path, token, null, null);
    }

    /**
     * The ItemIds EWS gives for a folder (FindItem, app-only with impersonation), newest first:
     * ids as an EWS client holds them.
     */
    List<String> ewsItemIds(String mailbox, String ewsFolderId) throws Exception {
        String ews = appToken("https://outlook.office365.com/.default");
        String soap = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""
                + " xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\""
                + " xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\"><s:Header>"
                + "<t:RequestServerVersion Version=\"Exchange2016\"/><t:ExchangeImpersonation><t:ConnectingSID>"
                + "<t:SmtpAddress>" + mailbox + "</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>"
                + "</s:Header><s:Body><m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>IdOnly"
                + "</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:FolderId Id=\"" + ewsFolderId
                + "\"/></m:ParentFolderIds></m:FindItem></s:Body></s:Envelope>";
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "/EWS/Exchange.asmx"))
                        .header("Authorization", "Bearer " + ews)
                        .header("X-AnchorMailbox", mailbox)
                        .header("Content-Type", "text/xml; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofString(soap))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).as(r.body()).contains("ResponseClass=\"Success\"");
        List<String> ids = new ArrayList<>();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("<t:ItemId Id=\"([^\"]+)\"").matcher(r.body());
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** Asserts Graph's error body: status, error.code, innerError with request-id and date. */
    static JsonNode assertError(Answer a, int status, String code) {
        assertThat(a.status()).as(a.text()).isEqualTo(status);
        JsonNode error = a.json().path("error");
        assertThat(error.path("code").asText()).as(a.text()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.path("innerError").path("request-id").asText()).isNotBlank();
        assertThat(error.path("innerError").path("date").asText()).endsWith("Z");
        assertThat(a.header("request-id"))
                .isEqualTo(error.path("innerError").path("request-id").asText());
        return error;
    }

    static String path(String id) {
        return enc(id);
    }

    static byte[] mime(String from, String to, String subject, String body) {
        return ("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject
                        + "\r\nMessage-ID: <" + java.util.UUID.randomUUID() + "@example.com>"
                        + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + body + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    // ----- a notification receiver -----

    /**
     * A plain-HTTP endpoint on 127.0.0.1 that answers Graph's validation handshake (echoing the
     * token, or failing when told to) and keeps every notification body it receives.
     */
    static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final BlockingQueue<JsonNode> notifications = new LinkedBlockingQueue<>();
        final List<String> validations = new ArrayList<>();
        volatile boolean failValidation;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String query = exchange.getRequestURI().getRawQuery();
                if (query != null && query.startsWith("validationToken=")) {
                    String token = java.net.URLDecoder.decode(
                            query.substring("validationToken=".length()), StandardCharsets.UTF_8);
                    synchronized (validations) {
                        validations.add(token);
                    }
                    byte[] answer = (failValidation ? "nope" : token).getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "text/plain");
                    exchange.sendResponseHeaders(200, answer.length);
                    exchange.getResponseBody().write(answer);
                } else {
                    notifications.add(JSON.readTree(body));
                    exchange.sendResponseHeaders(202, -1);
                }
                exchange.close();
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        JsonNode next() throws InterruptedException {
            JsonNode n = notifications.poll(10, TimeUnit.SECONDS);
            assertThat(n).as("a notification within 10 s").isNotNull();
            return n;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
