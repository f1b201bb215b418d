package dev.mailbridge.ews;

import dev.mailbridge.ews.error.EwsAccessBlockedException;
import dev.mailbridge.ews.error.EwsAuthenticationException;
import dev.mailbridge.ews.error.EwsException;
import dev.mailbridge.ews.error.EwsHttpException;
import dev.mailbridge.ews.error.EwsProtocolException;
import dev.mailbridge.ews.error.EwsResponseException;
import dev.mailbridge.ews.error.EwsServerBusyException;
import dev.mailbridge.ews.error.EwsTransportException;
import dev.mailbridge.ews.model.Folder;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.ops.FindItem;
import dev.mailbridge.ews.ops.GetFolder;
import dev.mailbridge.ews.ops.GetItem;
import dev.mailbridge.ews.ops.GetStreamingEvents;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client for one mailbox: runs {@link EwsOperation}s over the {@link EwsProtocol}'s HTTP client.
 * Handles authentication (one invalidate-and-retry on 401), impersonation headers, per-mailbox
 * concurrency and back-off, and retries of transient failures within the protocol's time budget.
 * Thread-safe.
 *
 * <pre>{@code
 * EwsClient ews = protocol.client(SignIn.appOnly(tokens, "adele@contoso.com"));
 * Folder inbox = ews.folder(FolderRef.inbox());
 * }</pre>
 */
public final class EwsClient {
    private static final Logger LOG = LoggerFactory.getLogger(EwsClient.class);
    private static final Duration DEFAULT_BUSY_BACKOFF = Duration.ofSeconds(5);

    private final EwsProtocol protocol;
    private final SignIn signIn;
    private final MailboxGate gate;

    EwsClient(EwsProtocol protocol, SignIn signIn) {
        this.protocol = protocol;
        this.signIn = signIn;
        this.gate = protocol.gate(signIn.throttleKey());
    }

    public SignIn signIn() {
        return signIn;
    }

    public EwsProtocol protocol() {
        return protocol;
    }

    // ---- conveniences ----

    /** One folder's properties (throws if Exchange refuses). */
    public Folder folder(FolderRef ref) {
        return execute(GetFolder.of(ref)).single();
    }

    /** All items of a folder, page by page (Exchange's IndexedPagingOffset), newest first. */
    public List<Item> findAllItems(FolderRef folder, int pageSize) {
        List<Item> all = new ArrayList<>();
        FindItem request = FindItem.of(folder, pageSize);
        while (true) {
            FindItem.Page page = execute(request);
            all.addAll(page.items());
            if (page.includesLastItemInRange() || page.items().isEmpty()) {
                return all;
            }
            request = request.next(page);
        }
    }

    /** Streams an item's MIME content into {@code sink} (closed afterwards); returns the byte count. */
    public long downloadMime(ItemId id, OutputStream sink) {
        return execute(GetItem.mime(id, sink)).single().mimeBytes();
    }

    // ---- execution ----

    /** Runs one operation and returns its typed result. */
    public <R> R execute(EwsOperation<R> op) {
        try (Spool body = envelope(op)) {
            Map<String, String> headers = headers(op);
            if (protocol.observer != null) {
                protocol.observer.onRequest(op.name(), Map.copyOf(headers), body.bytes());
            }
            long deadline = System.nanoTime() + protocol.retryBudget.toNanos();
            boolean reauthenticated = false;
            for (int attempt = 1; ; attempt++) {
                waitOutBackOff(deadline);
                String auth = authorization();
                try {
                    return attempt(op, body, headers, auth, deadline);
                } catch (Retry retry) {
                    if (retry.reauthenticate) {
                        if (reauthenticated) {
                            throw retry.failure;
                        }
                        reauthenticated = true;
                        continue;
                    }
                    Duration delay = retry.delay != null ? retry.delay : jitter(attempt);
                    if (System.nanoTime() + delay.toNanos() - deadline > 0) {
                        throw retry.failure;
                    }
                    LOG.debug(
                            "EWS {} for {}: retry {} in {} ms after: {}",
                            op.name(),
                            signIn,
                            attempt,
                            delay.toMillis(),
                            retry.failure.plainMessage());
                    sleep(delay);
                }
            }
        }
    }

    /**
     * Runs GetStreamingEvents: blocks, handing each frame (events, heartbeats, error frames) to {@code frames}, until
     * the server sends ConnectionStatus Closed (returns normally) or the connection fails (throws; a
     * dropped connection is {@link EwsException#retryable()}). A watchdog drops the connection if no
     * frame arrives for {@code 2 x heartbeat} (Exchange sends one about every 45 s).
     */
    public void stream(GetStreamingEvents op, Consumer<GetStreamingEvents.Frame> frames) {
        stream(op, frames, Duration.ofSeconds(90), null);
    }

    void stream(
            GetStreamingEvents op,
            Consumer<GetStreamingEvents.Frame> frames,
            Duration silenceLimit,
            java.util.concurrent.atomic.AtomicReference<InputStream> current) {
        stream(op, frames, silenceLimit, current, () -> {});
    }

    /** As above; {@code connected} runs once Exchange accepted the connection (HTTP 200), before any frame. */
    void stream(
            GetStreamingEvents op,
            Consumer<GetStreamingEvents.Frame> frames,
            Duration silenceLimit,
            java.util.concurrent.atomic.AtomicReference<InputStream> current,
            Runnable connected) {
        if (!gate.tryOpenStream()) {
            throw new EwsException(
                    "This account already has " + protocol.maxStreamingConnections
                            + " streaming connections open through this client, as many as Exchange allows it.",
                    "Put more subscription IDs into one GetStreamingEvents request (one connection carries up to"
                            + " 200) instead of opening another connection, or close one first.",
                    null,
                    null,
                    0,
                    false,
                    null);
        }
        try (Spool body = envelope(op)) {
            Map<String, String> headers = headers(op);
            if (protocol.observer != null) {
                protocol.observer.onRequest(op.name(), Map.copyOf(headers), body.bytes());
            }
            boolean reauthenticated = false;
            while (true) {
                String auth = authorization();
                HttpRequest request =
                        request(body, headers, auth, Duration.ofMinutes(op.connectionTimeoutMinutes() + 2L));
                HttpResponse<InputStream> response = send(request, op);
                int status = response.statusCode();
                if (status == 401 && !reauthenticated && signIn.authenticator().invalidate(auth)) {
                    drain(response.body());
                    reauthenticated = true;
                    continue;
                }
                rememberAffinity(response);
                if (status != 200) {
                    throw httpFailure(response, op, null);
                }
                connected.run();
                readFrames(op, frames, silenceLimit, current, response.body());
                return;
            }
        } finally {
            gate.closeStream();
        }
    }

    private void readFrames(
            GetStreamingEvents op,
            Consumer<GetStreamingEvents.Frame> frames,
            Duration silenceLimit,
            java.util.concurrent.atomic.AtomicReference<InputStream> current,
            InputStream stream) {
        if (current != null) {
            current.set(stream);
        }
        long[] lastFrame = {System.nanoTime()};
        Thread watchdog = Thread.ofVirtual().unstarted(() -> {
            try {
                while (true) {
                    Thread.sleep(Math.max(100, silenceLimit.toMillis() / 4));
                    if (System.nanoTime() - lastFrame[0] > silenceLimit.toNanos()) {
                        LOG.info(
                                "EWS stream for {}: no heartbeat for {} s, reconnecting",
                                signIn,
                                silenceLimit.toSeconds());
                        stream.close();
                        return;
                    }
                }
            } catch (InterruptedException | IOException e) {
                // stream finished
            }
        });
        watchdog.start();
        try (XmlIn in = protocol.xml.readDocuments(stream)) {
            while (in.nextStartAcrossDocuments()) {
                ResponseContext ctx = new ResponseContext(200);
                GetStreamingEvents.Frame frame = SoapResponses.readEnvelope(in, op, ctx);
                lastFrame[0] = System.nanoTime();
                // An error frame is handed over too (it names the lost subscriptions), then ends the stream.
                frames.accept(frame);
                if (frame.error() != null) {
                    throw frame.error();
                }
                if (frame.closed()) {
                    return;
                }
            }
            throw new EwsTransportException(
                    "The streaming connection ended without ConnectionStatus Closed.", "Reconnect.", true, null);
        } catch (EwsProtocolException e) {
            if (e.getCause() instanceof javax.xml.stream.XMLStreamException x
                    && x.getCause() instanceof IOException io) {
                throw new EwsTransportException(
                        "The streaming connection was dropped: " + io.getMessage(), "Reconnect.", true, io);
            }
            throw e;
        } finally {
            watchdog.interrupt();
            try {
                stream.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private <R> R attempt(EwsOperation<R> op, Spool body, Map<String, String> headers, String auth, long deadline) {
        try {
            gate.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EwsTransportException("Interrupted while waiting for a request slot.", "", false, e);
        }
        long started = System.nanoTime();
        try {
            HttpRequest request = request(body, headers, auth, protocol.requestTimeout);
            HttpResponse<InputStream> response;
            try {
                response = protocol.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                EwsTransportException failure = transportFailure(e, op);
                throw failure.retryable() ? new Retry(failure, null) : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EwsTransportException("Interrupted while waiting for Exchange.", "", false, e);
            }
            int status = response.statusCode();
            LOG.debug(
                    "EWS {} for {}: HTTP {} in {} ms, request-id {}, client-request-id {}",
                    op.name(),
                    signIn,
                    status,
                    (System.nanoTime() - started) / 1_000_000,
                    response.headers().firstValue("request-id").orElse("-"),
                    headers.get("client-request-id"));
            if (status == 401) {
                drain(response.body());
                EwsAuthenticationException failure = EwsAuthenticationException.fromDiagnostics(
                        response.headers().firstValue("x-ms-diagnostics").orElse(null), signIn.bearer());
                if (signIn.authenticator().invalidate(auth)) {
                    throw new Retry(failure, Duration.ZERO, true);
                }
                throw failure;
            }
            if (op.needsAffinity()) {
                rememberAffinity(response);
            }
            if (status == 200 || (status == 500 && isXml(response))) {
                return parse(op, response, status, deadline);
            }
            throw httpFailure(response, op, deadline);
        } finally {
            gate.release();
        }
    }

    private <R> R parse(EwsOperation<R> op, HttpResponse<InputStream> response, int status, long deadline) {
        RequestObserver observer = protocol.observer;
        if (observer == null || !observer.observesResponses()) {
            return parse(op, response.body(), status, deadline);
        }
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        InputStream teed = new FilterInputStream(response.body()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    copy.write(b);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    copy.write(buf, off, n);
                }
                return n;
            }
        };
        R result = parse(op, teed, status, deadline);
        observer.onResponse(op.name(), status, copy.toByteArray());
        return result;
    }

    private <R> R parse(EwsOperation<R> op, InputStream body, int status, long deadline) {
        ResponseContext ctx = new ResponseContext(status);
        R result;
        // The parser must not close the body: closing it before the JDK client has seen its end drops the
        // connection, and (with requests in flight on other connections) can race with that connection
        // being reused. The finally block reads what is left, then closes.
        try (XmlIn in = protocol.xml.read(new FilterInputStream(body) {
            @Override
            public void close() {}
        })) {
            if (!in.nextStart()) {
                throw new EwsProtocolException("Exchange sent an empty response.", status, null);
            }
            try {
                result = SoapResponses.readEnvelope(in, op, ctx);
            } catch (EwsServerBusyException busy) {
                Duration backOff = busy.backOff().orElse(DEFAULT_BUSY_BACKOFF);
                LOG.info(
                        "EWS throttled {} (ErrorServerBusy): pausing its requests for {} ms",
                        signIn,
                        backOff.toMillis());
                gate.pauseFor(backOff);
                throw new Retry(busy, backOff);
            } catch (EwsResponseException fault) {
                if (fault.retryable() && op.idempotent()) {
                    throw new Retry(fault, null);
                }
                throw fault;
            }
        } finally {
            finish(body);
        }
        if (ctx.serverBusy() != null) {
            Duration backOff = ctx.serverBusy().backOff().orElse(DEFAULT_BUSY_BACKOFF);
            LOG.info("EWS throttled {} (ErrorServerBusy): pausing its requests for {} ms", signIn, backOff.toMillis());
            gate.pauseFor(backOff);
            if (op.idempotent()) {
                throw new Retry(ctx.serverBusy(), backOff);
            }
        } else if (ctx.transientError() != null && op.idempotent()) {
            throw new Retry(ctx.transientError(), null);
        }
        return result;
    }

    private EwsException httpFailure(HttpResponse<InputStream> response, EwsOperation<?> op, Long deadline) {
        int status = response.statusCode();
        drain(response.body());
        if (status == 401) {
            return EwsAuthenticationException.fromDiagnostics(
                    response.headers().firstValue("x-ms-diagnostics").orElse(null), signIn.bearer());
        }
        if (status == 403) {
            return new EwsAccessBlockedException();
        }
        if (status == 503 || status == 502 || status == 504 || status == 429) {
            EwsHttpException failure = new EwsHttpException(
                    "Exchange is temporarily unavailable or queuing requests (HTTP " + status + ").",
                    "Retry later; lower the request rate if it persists.",
                    status,
                    true);
            Duration retryAfter = retryAfter(response);
            if (retryAfter != null) {
                gate.pauseFor(retryAfter);
            }
            if (deadline != null && (status != 504 || op.idempotent())) {
                return new Retry(failure, retryAfter);
            }
            return failure;
        }
        if (status == 302 || status == 301 || status == 307 || status == 308) {
            String location = response.headers().firstValue("location").orElse("");
            boolean errorPage = location.toLowerCase(java.util.Locale.ROOT).contains("genericerrorpage");
            EwsHttpException failure = new EwsHttpException(
                    "Exchange redirected the request (HTTP " + status + ")"
                            + (errorPage ? " to its generic error page." : "."),
                    errorPage
                            ? "Retry later."
                            : "Check the EWS URL (run Autodiscover); the client does not follow redirects with credentials.",
                    status,
                    errorPage);
            return errorPage && deadline != null ? new Retry(failure, null) : failure;
        }
        if (status == 404) {
            return new EwsHttpException(
                    "No EWS endpoint at " + protocol.endpoint + " (HTTP 404).",
                    "Check the URL: it normally ends in /EWS/Exchange.asmx; run Autodiscover.",
                    status,
                    false);
        }
        if (status == 500) {
            EwsHttpException failure = new EwsHttpException(
                    "Exchange failed with HTTP 500 and no SOAP fault.",
                    "Retry later; if it persists the Exchange admin must check the server's event log.",
                    status,
                    true);
            return deadline != null && op.idempotent() ? new Retry(failure, null) : failure;
        }
        return new EwsHttpException(
                "Exchange answered with HTTP " + status + ".", "Check the EWS URL and the server.", status, false);
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers()
                .firstValue("retry-after")
                .map(v -> {
                    try {
                        return Duration.ofSeconds(Long.parseLong(v.trim()));
                    } catch (NumberFormatException e) {
                        return null;
                    }
                })
                .orElse(null);
    }

    private EwsTransportException transportFailure(IOException e, EwsOperation<?> op) {
        if (e instanceof SSLException) {
            return new EwsTransportException(
                    "The TLS connection to " + protocol.endpoint.getHost() + " failed: " + e.getMessage(),
                    "Check the server certificate; add the issuing CA to the connection's trusted CAs if it is a"
                            + " private CA. Certificate checks cannot be turned off.",
                    false,
                    e);
        }
        boolean notSent = e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
        boolean timeout = e instanceof HttpTimeoutException;
        return new EwsTransportException(
                (notSent ? "Could not connect to " : timeout ? "Timed out waiting for " : "The connection failed to ")
                        + protocol.endpoint.getHost() + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()),
                "Check the network path, proxy and firewall; retry later.",
                notSent || op.idempotent(),
                e);
    }

    private HttpResponse<InputStream> send(HttpRequest request, EwsOperation<?> op) {
        try {
            return protocol.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw transportFailure(e, op);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EwsTransportException("Interrupted while waiting for Exchange.", "", false, e);
        }
    }

    /** The Authorization header; a token that cannot be had surfaces as identity's SignInFailure, explained. */
    private String authorization() {
        return signIn.authenticator().authorizationHeader();
    }

    private void rememberAffinity(HttpResponse<?> response) {
        for (String cookie : response.headers().allValues("set-cookie")) {
            if (cookie.startsWith("X-BackEndOverrideCookie=")) {
                int end = cookie.indexOf(';');
                gate.backendCookie(cookie.substring(0, end < 0 ? cookie.length() : end));
            }
        }
    }

    private Map<String, String> headers(EwsOperation<?> op) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "text/xml; charset=utf-8");
        h.put("Accept", "text/xml");
        h.put("User-Agent", protocol.userAgent);
        h.put("client-request-id", UUID.randomUUID().toString());
        h.put("return-client-request-id", "true");
        signIn.mailbox().ifPresent(m -> h.put("X-AnchorMailbox", m));
        if (op.needsAffinity()) {
            h.put("X-PreferServerAffinity", "true");
        }
        return h;
    }

    private HttpRequest request(Spool body, Map<String, String> headers, String auth, Duration timeout) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(protocol.endpoint).timeout(timeout).POST(body.publisher());
        headers.forEach(b::header);
        String cookie = gate.backendCookie();
        if (cookie != null && headers.containsKey("X-PreferServerAffinity")) {
            b.header("Cookie", cookie);
        }
        b.header("Authorization", auth);
        return b.build();
    }

    private Spool envelope(EwsOperation<?> op) {
        Spool spool = new Spool();
        XmlOut out = protocol.xml.write(spool);
        out.startDocument().startEnvelope().soap("Header");
        out.t("RequestServerVersion")
                .attr("Version", protocol.version.wireName())
                .end();
        if (signIn.impersonates()) {
            out.t("ExchangeImpersonation")
                    .t("ConnectingSID")
                    .tText("SmtpAddress", signIn.mailbox().orElseThrow())
                    .end()
                    .end();
        }
        out.end().soap("Body");
        op.writeRequest(out);
        out.end().end();
        out.endDocument();
        out.close();
        spool.finish();
        return spool;
    }

    private void waitOutBackOff(long deadline) {
        Duration pause = gate.remainingPause();
        if (pause.isZero()) {
            return;
        }
        if (System.nanoTime() + pause.toNanos() - deadline > 0) {
            throw new EwsServerBusyException(
                    "This mailbox is paused by the client for another " + pause.toMillis()
                            + " ms because Exchange asked to back off.",
                    Map.of("BackOffMilliseconds", Long.toString(pause.toMillis())),
                    0);
        }
        sleep(pause);
    }

    private static boolean isXml(HttpResponse<?> response) {
        return response.headers()
                .firstValue("content-type")
                .map(v -> v.toLowerCase(java.util.Locale.ROOT).contains("xml"))
                .orElse(false);
    }

    private static Duration jitter(int attempt) {
        long cap = Math.min(10_000, 250L << Math.min(attempt - 1, 10));
        return Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EwsTransportException("Interrupted while backing off.", "", false, e);
        }
    }

    /**
     * Reads what is left of a parsed response (normally nothing, or a line break), so that the
     * connection goes back to the pool, then closes it. Past 64 KiB of leftovers (a refused, hostile
     * document) it gives up and closes, which drops the connection instead.
     */
    private static void finish(InputStream in) {
        try (in) {
            byte[] skip = new byte[512];
            for (long left = 64 * 1024; left > 0; ) {
                int n = in.read(skip, 0, (int) Math.min(skip.length, left));
                if (n < 0) {
                    return;
                }
                left -= n;
            }
        } catch (IOException e) {
            // the connection will be discarded
        }
    }

    private static void drain(InputStream in) {
        try (in) {
            in.skip(Long.MAX_VALUE);
        } catch (IOException e) {
            // connection will be discarded
        }
    }

    /** Control flow: this attempt failed in a way worth repeating. */
    private static final class Retry extends EwsException {
        final EwsException failure;
        final Duration delay;
        final boolean reauthenticate;

        Retry(EwsException failure, Duration delay) {
            this(failure, delay, false);
        }

        Retry(EwsException failure, Duration delay, boolean reauthenticate) {
            super(failure.plainMessage(), failure.fix(), null, null, failure.httpStatus(), true, failure);
            this.failure = failure;
            this.delay = delay;
            this.reauthenticate = reauthenticate;
        }
    }
}
