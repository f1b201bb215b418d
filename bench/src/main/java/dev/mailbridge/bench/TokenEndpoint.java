package dev.mailbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import javax.net.ssl.SSLContext;

/**
 * A token endpoint seen from one worker: its own HTTP/1.1 client (one keep-alive connection, as
 * the worker sends one request at a time) and a form POST that insists on 200 and an access token.
 */
final class TokenEndpoint implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI uri;
    private final HttpClient client;

    TokenEndpoint(URI uri, SSLContext sslContext) {
        checkLoopback(uri);
        this.uri = uri;
        this.client = newClient(sslContext, HttpClient.Redirect.NEVER, null);
    }

    static HttpClient newClient(SSLContext sslContext, HttpClient.Redirect redirect, java.net.CookieHandler cookies) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT)
                .followRedirects(redirect);
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        if (cookies != null) {
            builder.cookieHandler(cookies);
        }
        return builder.build();
    }

    /** Posts the form and returns the parsed token response; throws unless 200 with access_token. */
    JsonNode post(Map<String, String> form) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return checkTokenResponse(response.statusCode(), response.body());
    }

    static JsonNode checkTokenResponse(int status, String body) throws IOException {
        if (status != 200) {
            throw new IOException("HTTP " + status + ": " + abbreviate(body));
        }
        JsonNode json = JSON.readTree(body);
        JsonNode token = json == null ? null : json.get("access_token");
        if (token == null || !token.isTextual() || token.asText().isEmpty()) {
            throw new IOException("HTTP 200 without an access_token: " + abbreviate(body));
        }
        return json;
    }

    static String encode(Map<String, String> form) {
        StringJoiner joiner = new StringJoiner("&");
        for (Map.Entry<String, String> field : form.entrySet()) {
            joiner.add(URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8));
        }
        return joiner.toString();
    }

    static Map<String, String> form(String... keysAndValues) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                form.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return form;
    }

    static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }

    /** The benchmark only ever talks to this machine: refuse anything but a loopback address. */
    static void checkLoopback(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("No host in " + uri);
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        boolean loopback = bare.equals("localhost") || bare.startsWith("127.") || bare.equals("::1");
        if (!loopback) {
            throw new IllegalArgumentException("The benchmark only targets loopback addresses, not " + uri);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
