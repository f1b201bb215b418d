package dev.mailbridge.identity.entra;

import com.microsoft.aad.msal4j.HttpMethod;
import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import dev.mailbridge.identity.http.HttpSettings;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * MSAL's transport, on java.net.http with the connection's {@link HttpSettings} (proxy, proxy credentials,
 * trusted CAs, timeouts). It also keeps the last error response's body: MSAL's exceptions drop fields an
 * admin needs (suberror, error_codes, trace_id, timestamp), so {@link MsalFailures} reads them from here.
 * One instance per MSAL application, whose calls run one at a time.
 */
final class MsalHttpClient implements IHttpClient {
    /** Headers java.net.http sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    record ErrorResponse(int status, String body, Map<String, java.util.List<String>> headers) {}

    private final HttpSettings settings;
    private final AtomicReference<ErrorResponse> lastError = new AtomicReference<>();

    MsalHttpClient(HttpSettings settings) {
        this.settings = settings;
    }

    @Override
    public IHttpResponse send(HttpRequest request) throws Exception {
        java.net.http.HttpRequest.Builder builder =
                java.net.http.HttpRequest.newBuilder(request.url().toURI()).timeout(settings.readTimeout());
        if (request.headers() != null) {
            request.headers().forEach((name, value) -> {
                if (value != null && !RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                    builder.header(name, value);
                }
            });
        }
        String body = request.body() == null ? "" : request.body();
        if (request.httpMethod() == HttpMethod.POST
                && (request.headers() == null
                        || request.headers().keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase))) {
            // MSAL's own HttpsURLConnection client gets this default from the JDK; some of its requests (device
            // code) rely on it and set no Content-Type, which leaves the form unreadable to a strict server.
            builder.header("Content-Type", "application/x-www-form-urlencoded");
        }
        switch (request.httpMethod()) {
            case GET -> builder.GET();
            case POST -> builder.POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
            default ->
                builder.method(
                        request.httpMethod().methodName, java.net.http.HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = settings.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            lastError.set(new ErrorResponse(
                    response.statusCode(), response.body(), response.headers().map()));
        }
        com.microsoft.aad.msal4j.HttpResponse out = new com.microsoft.aad.msal4j.HttpResponse();
        out.statusCode(response.statusCode());
        out.body(response.body());
        out.addHeaders(response.headers().map());
        return out;
    }

    /** Clears the remembered error before a new MSAL call. */
    void reset() {
        lastError.set(null);
    }

    ErrorResponse lastError() {
        return lastError.get();
    }
}
