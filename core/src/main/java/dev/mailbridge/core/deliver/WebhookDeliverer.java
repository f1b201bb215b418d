package dev.mailbridge.core.deliver;

import dev.mailbridge.identity.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Delivers to webhooks: a JSON POST ({@link Envelope}) with {@code Mailbridge-Event}, {@code
 * Mailbridge-Delivery} (the outbox id), {@code Idempotency-Key} (the same on every attempt), {@code
 * Mailbridge-Timestamp} and {@code Mailbridge-Signature} ({@link WebhookSignature}). TLS certificates are
 * verified by the JDK's trust store; redirects are not followed.
 *
 * <p>2xx: delivered. 410: the receiver is gone, dead at once. 408, 429 and 5xx, timeouts and connection
 * errors: retried, honouring {@code Retry-After}. Other statuses (3xx, 4xx): retried up to the attempt limit,
 * with the status and the start of the response body recorded, so the admin sees why.
 */
public final class WebhookDeliverer implements Deliverer {
    static final int MAX_BODY = 500;

    private final HttpClient client;
    private final Duration timeout;
    private final Clock clock;

    public WebhookDeliverer() {
        this(Duration.ofSeconds(10), Duration.ofSeconds(15), Clock.systemUTC());
    }

    /**
     * @param connectTimeout how long to wait for a connection
     * @param timeout how long to wait for the response; keep it well under the worker's lease
     */
    public WebhookDeliverer(Duration connectTimeout, Duration timeout, Clock clock) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public TargetKind kind() {
        return TargetKind.WEBHOOK;
    }

    @Override
    public DeliveryResult deliver(OutboxEntry entry, DeliveryTarget target, Optional<Secret> secret)
            throws InterruptedException {
        if (secret.isEmpty()) {
            return new DeliveryResult.Retry(
                    "the webhook has no signing secret; enter one for the target", Optional.empty(), Optional.empty());
        }
        byte[] body = Envelope.of(entry).getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(target.url()))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Mailbridge-Webhook/1")
                    .header("Mailbridge-Event", entry.eventType().wireName())
                    .header("Mailbridge-Delivery", Long.toString(entry.id()))
                    .header("Idempotency-Key", entry.idempotencyKey())
                    .header("Mailbridge-Timestamp", Long.toString(timestamp))
                    .header(
                            WebhookSignature.HEADER,
                            WebhookSignature.sign(secret.get().reveal(), timestamp, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
        } catch (IllegalArgumentException e) {
            return new DeliveryResult.Retry(
                    "the webhook URL is not usable: " + e.getMessage(), Optional.empty(), Optional.empty());
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            return retry("no connection to " + host(target) + " within the connect timeout");
        } catch (HttpTimeoutException e) {
            return retry("no response from " + host(target) + " within " + timeout.toSeconds() + " s");
        } catch (ConnectException e) {
            return retry("cannot connect to " + host(target) + ": " + describe(e));
        } catch (SSLException e) {
            return retry(
                    "TLS with " + host(target) + " failed (is its certificate valid and trusted?): " + describe(e));
        } catch (IOException e) {
            return retry("the request to " + host(target) + " failed: " + describe(e));
        }
        int status = response.statusCode();
        String excerpt = excerpt(response);
        Optional<Integer> code = Optional.of(status);
        if (status >= 200 && status < 300) {
            return new DeliveryResult.Delivered(code);
        }
        String what = "HTTP " + status + (excerpt.isEmpty() ? "" : ": " + excerpt);
        if (status == 410) {
            return new DeliveryResult.Dead(what + " (the receiver says it is gone; not retried)", code);
        }
        Optional<Duration> retryAfter =
                response.headers().firstValue("Retry-After").flatMap(v -> retryAfter(v, clock));
        if (status == 408 || status == 429 || status >= 500) {
            return new DeliveryResult.Retry(what, code, retryAfter);
        }
        return new DeliveryResult.Retry(
                what + " (the receiver refused the event; retried up to the attempt limit)", code, retryAfter);
    }

    @Override
    public void close() {
        client.close();
    }

    private static DeliveryResult retry(String error) {
        return new DeliveryResult.Retry(error, Optional.empty(), Optional.empty());
    }

    private static String host(DeliveryTarget target) {
        try {
            URI u = URI.create(target.url());
            return u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
        } catch (IllegalArgumentException e) {
            return "the webhook";
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** The start of the response body, for last_error; the rest is not read. */
    private static String excerpt(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            String s = new String(b, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
            return s.length() > MAX_BODY ? s.substring(0, MAX_BODY) + "..." : s;
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code Retry-After} as seconds or an HTTP date. */
    static Optional<Duration> retryAfter(String value, Clock clock) {
        String v = value.strip();
        try {
            long seconds = Long.parseLong(v);
            return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(
                        clock.instant(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant());
                return d.isNegative() ? Optional.of(Duration.ZERO) : Optional.of(d);
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }
}
