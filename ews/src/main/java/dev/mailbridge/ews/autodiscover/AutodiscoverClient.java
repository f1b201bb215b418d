package dev.mailbridge.ews.autodiscover;

import dev.mailbridge.ews.RequestObserver;
import dev.mailbridge.ews.error.EwsException;
import dev.mailbridge.ews.error.EwsTransportException;
import dev.mailbridge.ews.xml.EwsXml;
import dev.mailbridge.ews.xml.XmlLimits;
import dev.mailbridge.identity.Authenticator;
import dev.mailbridge.identity.http.HttpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a mailbox's EWS URL: Autodiscover v2 (JSON, anonymous) for Exchange Online, and SOAP
 * GetUserSettings / POX over Microsoft's candidate sequence for Exchange Server, with validated
 * redirects, a per-address cache and protection against the 2021 "Autodiscover leak".
 *
 * <p>Candidate sequence for {@code user@domain} (each step only if enabled):
 *
 * <ol>
 *   <li>JSON v2: {@code GET https://autodiscover-s.outlook.com/autodiscover/autodiscover.json?Email=..&Protocol=EWS}
 *       (anonymous; 302s followed to https only).
 *   <li>{@code https://domain/autodiscover/autodiscover.svc} (SOAP) and {@code .xml} (POX), then the same on
 *       {@code https://autodiscover.domain}. The exact domain only: labels are never stripped.
 *   <li>The HTTP redirect method: anonymous {@code GET http://autodiscover.domain/autodiscover/autodiscover.xml};
 *       only a 302 to an https Autodiscover URL is followed, and that URL is then asked like any other.
 *   <li>DNS SRV {@code _autodiscover._tcp.domain} ({@link SrvResolver}, none by default): the records with the
 *       best priority and weight.
 * </ol>
 *
 * Credentials (the {@link Authenticator}'s header) go only where {@link CredentialScope} allows: HTTPS,
 * inside the user's domain or an approved domain, never {@code autodiscover.<public suffix>}. A candidate
 * that is not allowed is skipped and reported, never contacted. redirectAddr/RedirectAddress restarts with
 * the new address; redirectUrl/RedirectUrl is followed when https and not visited; at most
 * {@value #MAX_HOPS} redirects in all. Thread-safe.
 */
public final class AutodiscoverClient {
    public static final int MAX_HOPS = 10;
    public static final URI EXCHANGE_ONLINE_V2 = URI.create("https://autodiscover-s.outlook.com");
    private static final Logger LOG = LoggerFactory.getLogger(AutodiscoverClient.class);
    private static final int MAX_BODY = 1 << 20;

    private final HttpClient http;
    private final Authenticator authenticator;
    private final List<AutodiscoverSurface> surfaces;
    private final URI jsonV2Base;
    private final boolean httpRedirectMethod;
    private final SrvResolver srv;
    private final List<String> approvedDomains;
    private final Duration cacheTtl;
    private final Clock clock;
    private final Duration requestTimeout;
    private final RequestObserver observer;
    private final String userAgent;
    private final EwsXml xml = new EwsXml(XmlLimits.defaults()
            .withMaxDocumentCharacters(MAX_BODY)
            .withMaxElementCount(10_000)
            .withMaxTextLength(64 * 1024));
    private final Map<String, Cached> byAddress = new ConcurrentHashMap<>();
    private final Map<String, Endpoint> byDomain = new ConcurrentHashMap<>();

    private record Cached(AutodiscoverResult result, Instant expires) {}

    /** An endpoint that answered for a domain: tried first for other addresses of the domain. */
    private record Endpoint(AutodiscoverSurface surface, URI url, Instant expires) {}

    private AutodiscoverClient(Builder b) {
        this.http = b.settings.newHttpClient();
        this.authenticator = b.authenticator;
        this.surfaces = List.copyOf(b.surfaces);
        this.jsonV2Base = b.jsonV2Base;
        this.httpRedirectMethod = b.httpRedirectMethod;
        this.srv = b.srv;
        this.approvedDomains = List.copyOf(b.approved);
        this.cacheTtl = b.cacheTtl;
        this.clock = b.clock;
        this.requestTimeout = b.requestTimeout != null ? b.requestTimeout : b.settings.readTimeout();
        this.observer = b.observer;
        this.userAgent = b.userAgent;
    }

    /** Proxy, trusted CAs and timeouts come from {@code settings}; TLS is always verified. */
    public static Builder builder(HttpSettings settings) {
        return new Builder(settings);
    }

    /** The EWS URL for {@code email}. */
    public URI ewsUrl(String email) {
        return discover(email).ewsUrl();
    }

    /**
     * Runs Autodiscover for {@code email} (or answers from the cache).
     *
     * @throws AutodiscoverException when nothing was found; it lists every candidate and why it failed
     */
    public AutodiscoverResult discover(String email) {
        String address = normaliseAddress(email);
        Instant now = clock.instant();
        Cached cached = byAddress.get(address);
        if (cached != null && now.isBefore(cached.expires())) {
            return cached.result().forRequest(email);
        }
        Search search = new Search(new CredentialScope(domainOf(address), approvedDomains));
        AutodiscoverResult result = search.run(address);
        if (result == null) {
            throw new AutodiscoverException(email, search.stopReason, search.attempts);
        }
        result = result.forRequest(email);
        if (!cacheTtl.isZero()) {
            Instant expires = now.plus(cacheTtl);
            byAddress.put(address, new Cached(result, expires));
            if (result.surface() != AutodiscoverSurface.JSON_V2) {
                byDomain.put(domainOf(address), new Endpoint(result.surface(), result.answeredBy(), expires));
            }
        }
        return result;
    }

    /** Forgets the cached answer for {@code email} and the endpoint remembered for its domain. */
    public void invalidate(String email) {
        String address = normaliseAddress(email);
        byAddress.remove(address);
        byDomain.remove(domainOf(address));
    }

    public void clearCache() {
        byAddress.clear();
        byDomain.clear();
    }

    /**
     * The URLs the candidate sequence starts with for {@code email} (steps 1-2; the HTTP redirect and SRV
     * steps depend on answers), for diagnostics and documentation.
     */
    public List<URI> candidates(String email) {
        String address = normaliseAddress(email);
        List<URI> out = new ArrayList<>();
        if (surfaces.contains(AutodiscoverSurface.JSON_V2)) {
            out.add(jsonUrl(jsonV2Base, address, 0));
        }
        for (Candidate c : domainCandidates(domainOf(address))) {
            out.add(c.url());
        }
        return out;
    }

    private record Candidate(AutodiscoverSurface surface, URI url) {}

    private List<Candidate> domainCandidates(String domain) {
        List<Candidate> out = new ArrayList<>();
        if (authenticator == null) {
            return out;
        }
        for (String host : List.of(domain, "autodiscover." + domain)) {
            for (AutodiscoverSurface s : surfaces) {
                if (s == AutodiscoverSurface.SOAP || s == AutodiscoverSurface.POX) {
                    out.add(new Candidate(s, URI.create("https://" + host + s.path())));
                }
            }
        }
        return out;
    }

    /** One search: the attempts, the visited URLs and addresses, the redirect count. */
    private final class Search {
        final CredentialScope scope;
        final List<AutodiscoverAttempt> attempts = new ArrayList<>();
        final Set<String> visited = new HashSet<>();
        final Set<String> addresses = new HashSet<>();
        int hops;
        String stopReason;

        Search(CredentialScope scope) {
            this.scope = scope;
        }

        boolean stopped() {
            return stopReason != null;
        }

        boolean hop(AutodiscoverSurface surface, String url, String what) {
            hops++;
            if (hops > MAX_HOPS) {
                stopReason = "more than " + MAX_HOPS + " redirects";
                attempts.add(new AutodiscoverAttempt(
                        surface,
                        url,
                        false,
                        "stopped: " + what + " would be redirect " + hops + ", more than " + MAX_HOPS));
                return false;
            }
            return true;
        }

        AutodiscoverResult run(String address) {
            addresses.add(address);
            String domain = domainOf(address);
            if (surfaces.contains(AutodiscoverSurface.JSON_V2)) {
                AutodiscoverResult r = json(address);
                if (r != null || stopped()) {
                    return r;
                }
            }
            List<Candidate> candidates = new ArrayList<>();
            Endpoint remembered = byDomain.get(domain);
            if (remembered != null && clock.instant().isBefore(remembered.expires())) {
                candidates.add(new Candidate(remembered.surface(), remembered.url()));
            }
            for (Candidate c : domainCandidates(domain)) {
                if (!candidates.contains(c)) {
                    candidates.add(c);
                }
            }
            for (Candidate c : candidates) {
                Outcome o = credentialed(c.surface(), c.url(), address);
                if (o.result != null || stopped()) {
                    return o.result;
                }
                if (o.redirectAddress != null) {
                    return redirectAddress(o.redirectAddress, address, c);
                }
            }
            if (authenticator != null && httpRedirectMethod) {
                Outcome o = httpRedirect(domain, address);
                if (o.result != null || stopped()) {
                    return o.result;
                }
                if (o.redirectAddress != null) {
                    return redirectAddress(o.redirectAddress, address, null);
                }
            }
            if (authenticator != null) {
                for (URI base : srvTargets(domain)) {
                    for (AutodiscoverSurface s : credentialedSurfaces()) {
                        Outcome o = credentialed(s, URI.create(base + s.path()), address);
                        if (o.result != null || stopped()) {
                            return o.result;
                        }
                        if (o.redirectAddress != null) {
                            return redirectAddress(o.redirectAddress, address, null);
                        }
                    }
                }
            }
            return null;
        }

        private AutodiscoverResult redirectAddress(String target, String from, Candidate via) {
            String next;
            try {
                next = normaliseAddress(target);
            } catch (IllegalArgumentException e) {
                attempts.add(new AutodiscoverAttempt(
                        via == null ? AutodiscoverSurface.POX : via.surface(),
                        via == null ? "" : via.url().toString(),
                        false,
                        "refused: redirect to an invalid address"));
                return null;
            }
            if (!hop(
                    via == null ? AutodiscoverSurface.POX : via.surface(),
                    via == null ? "" : via.url().toString(),
                    "redirectAddr to " + next)) {
                return null;
            }
            LOG.debug("Autodiscover: {} redirected to {}", from, next);
            return run(next);
        }

        /** POSTs SOAP or POX with credentials, if the scope allows; follows RedirectUrl. */
        Outcome credentialed(AutodiscoverSurface surface, URI url, String address) {
            String key = surface + " " + url.toString().toLowerCase(Locale.ROOT) + " " + address;
            if (!visited.add(key)) {
                attempts.add(new AutodiscoverAttempt(surface, url.toString(), false, "skipped: already tried"));
                return Outcome.NONE;
            }
            String refusal = scope.refusal(url);
            if (refusal != null) {
                attempts.add(new AutodiscoverAttempt(surface, url.toString(), false, refusal));
                return Outcome.NONE;
            }
            byte[] body = surface == AutodiscoverSurface.SOAP
                    ? AutodiscoverWire.soapRequest(xml, url, address)
                    : AutodiscoverWire.poxRequest(xml, address);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "text/xml; charset=utf-8");
            headers.put("Accept", "text/xml");
            headers.put("User-Agent", userAgent);
            if (observer != null) {
                observer.onRequest(
                        surface == AutodiscoverSurface.SOAP ? "GetUserSettings" : "PoxAutodiscover",
                        Map.copyOf(headers),
                        body);
            }
            boolean retried = false;
            while (true) {
                String auth = authenticator.authorizationHeader();
                HttpRequest.Builder rb = HttpRequest.newBuilder(url)
                        .timeout(requestTimeout)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                headers.forEach(rb::header);
                rb.header("Authorization", auth);
                Reply reply;
                try {
                    reply = send(rb.build());
                } catch (IOException e) {
                    attempts.add(new AutodiscoverAttempt(surface, url.toString(), !beforeRequest(e), failure(e)));
                    return Outcome.NONE;
                }
                if (reply.status == 401 && !retried && authenticator.invalidate(auth)) {
                    retried = true;
                    continue;
                }
                if (reply.status != 200) {
                    attempts.add(new AutodiscoverAttempt(surface, url.toString(), true, httpOutcome(reply)));
                    return Outcome.NONE;
                }
                AutodiscoverWire.Answer answer;
                try {
                    XmlTree root = XmlTree.parse(xml, reply.body);
                    answer = surface == AutodiscoverSurface.SOAP
                            ? AutodiscoverWire.parseSoap(root)
                            : AutodiscoverWire.parsePox(root);
                } catch (EwsException e) {
                    answer = new AutodiscoverWire.Failed("not an Autodiscover answer: " + e.plainMessage());
                }
                return handle(surface, url, address, answer);
            }
        }

        private Outcome handle(AutodiscoverSurface surface, URI url, String address, AutodiscoverWire.Answer answer) {
            String u = url.toString();
            return switch (answer) {
                case AutodiscoverWire.Found f -> {
                    attempts.add(new AutodiscoverAttempt(surface, u, true, "found"));
                    URI ews = f.external() != null ? f.external() : f.internal();
                    yield new Outcome(
                            new AutodiscoverResult(
                                    address,
                                    f.mailbox() != null ? f.mailbox() : address,
                                    ews,
                                    f.internal(),
                                    f.external(),
                                    f.displayName(),
                                    f.settings(),
                                    surface,
                                    url,
                                    clock.instant()),
                            null);
                }
                case AutodiscoverWire.Failed f -> {
                    attempts.add(new AutodiscoverAttempt(surface, u, true, f.why()));
                    yield Outcome.NONE;
                }
                case AutodiscoverWire.RedirectAddress r -> {
                    String target = r.address().trim();
                    if (target.equalsIgnoreCase(address) || addresses.contains(target.toLowerCase(Locale.ROOT))) {
                        attempts.add(new AutodiscoverAttempt(
                                surface, u, true, "redirect loop: redirectAddr to " + target + " already tried"));
                        yield Outcome.NONE;
                    }
                    attempts.add(new AutodiscoverAttempt(surface, u, true, "redirectAddr to " + target));
                    yield new Outcome(null, target);
                }
                case AutodiscoverWire.RedirectUrl r -> {
                    URI next = AutodiscoverWire.httpsUri(r.url());
                    if (next == null) {
                        attempts.add(new AutodiscoverAttempt(
                                surface, u, true, "refused: redirectUrl to a non-https URL " + r.url()));
                        yield Outcome.NONE;
                    }
                    next = withSurfacePath(next, surface);
                    if (visited.contains(surface + " " + next.toString().toLowerCase(Locale.ROOT) + " " + address)) {
                        attempts.add(new AutodiscoverAttempt(
                                surface, u, true, "redirect loop: redirectUrl to " + next + " already tried"));
                        yield Outcome.NONE;
                    }
                    attempts.add(new AutodiscoverAttempt(surface, u, true, "redirectUrl to " + next));
                    if (!hop(surface, next.toString(), "redirectUrl to " + next)) {
                        yield Outcome.NONE;
                    }
                    yield credentialed(surface, next, address);
                }
            };
        }

        /** The HTTP redirect method: anonymous GET over plain HTTP; only a 302 to https is followed. */
        Outcome httpRedirect(String domain, String address) {
            URI probe = URI.create("http://autodiscover." + domain + AutodiscoverSurface.HTTP_REDIRECT.path());
            Reply reply;
            try {
                reply = send(HttpRequest.newBuilder(probe)
                        .timeout(requestTimeout)
                        .header("User-Agent", userAgent)
                        .GET()
                        .build());
            } catch (IOException e) {
                attempts.add(new AutodiscoverAttempt(
                        AutodiscoverSurface.HTTP_REDIRECT, probe.toString(), false, failure(e)));
                return Outcome.NONE;
            }
            String location = reply.location;
            if (reply.status != 302 || location == null) {
                attempts.add(new AutodiscoverAttempt(
                        AutodiscoverSurface.HTTP_REDIRECT,
                        probe.toString(),
                        false,
                        "HTTP " + reply.status + (reply.status == 302 ? " without Location" : ", not a 302")));
                return Outcome.NONE;
            }
            URI target = AutodiscoverWire.httpsUri(location);
            String path = target == null ? "" : String.valueOf(target.getPath()).toLowerCase(Locale.ROOT);
            if (target == null
                    || target.getRawQuery() != null
                    || !(path.endsWith("/autodiscover/autodiscover.xml")
                            || path.endsWith("/autodiscover/autodiscover.svc"))) {
                attempts.add(new AutodiscoverAttempt(
                        AutodiscoverSurface.HTTP_REDIRECT,
                        probe.toString(),
                        false,
                        "refused: 302 to " + location + " (not an https Autodiscover URL)"));
                return Outcome.NONE;
            }
            attempts.add(new AutodiscoverAttempt(
                    AutodiscoverSurface.HTTP_REDIRECT, probe.toString(), false, "302 to " + target));
            if (!hop(AutodiscoverSurface.HTTP_REDIRECT, target.toString(), "302 to " + target)) {
                return Outcome.NONE;
            }
            for (AutodiscoverSurface s : credentialedSurfaces()) {
                Outcome o = credentialed(s, withSurfacePath(target, s), address);
                if (o.result != null || o.redirectAddress != null || stopped()) {
                    return o;
                }
            }
            return Outcome.NONE;
        }

        /** Autodiscover v2: anonymous GET; 302s followed to https, no loops, at most MAX_HOPS. */
        AutodiscoverResult json(String address) {
            URI url = jsonUrl(jsonV2Base, address, 0);
            Set<String> seen = new HashSet<>();
            while (true) {
                String shown = url.toString();
                if (!seen.add(shown)) {
                    attempts.add(new AutodiscoverAttempt(AutodiscoverSurface.JSON_V2, shown, false, "redirect loop"));
                    return null;
                }
                Reply reply;
                try {
                    reply = send(HttpRequest.newBuilder(url)
                            .timeout(requestTimeout)
                            .header("Accept", "application/json")
                            .header("User-Agent", userAgent)
                            .GET()
                            .build());
                } catch (IOException e) {
                    attempts.add(new AutodiscoverAttempt(AutodiscoverSurface.JSON_V2, shown, false, failure(e)));
                    return null;
                }
                if (reply.status == 200) {
                    Map<String, String> fields;
                    try {
                        fields = MiniJson.topLevel(new String(reply.body, StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        attempts.add(new AutodiscoverAttempt(
                                AutodiscoverSurface.JSON_V2, shown, false, "not a JSON answer: " + e.getMessage()));
                        return null;
                    }
                    URI ews = AutodiscoverWire.httpsUri(fields.get("Url"));
                    if (ews == null || !"EWS".equalsIgnoreCase(fields.get("Protocol"))) {
                        attempts.add(new AutodiscoverAttempt(
                                AutodiscoverSurface.JSON_V2, shown, false, "no https EWS URL in the answer"));
                        return null;
                    }
                    attempts.add(new AutodiscoverAttempt(AutodiscoverSurface.JSON_V2, shown, false, "found"));
                    URI answeredBy = URI.create(url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath());
                    return new AutodiscoverResult(
                            address,
                            address,
                            ews,
                            null,
                            null,
                            null,
                            Map.of(),
                            AutodiscoverSurface.JSON_V2,
                            answeredBy,
                            clock.instant());
                }
                if (reply.status == 301 || reply.status == 302 || reply.status == 307 || reply.status == 308) {
                    URI next = reply.location == null ? null : AutodiscoverWire.httpsUri(resolve(url, reply.location));
                    if (next == null) {
                        attempts.add(new AutodiscoverAttempt(
                                AutodiscoverSurface.JSON_V2,
                                shown,
                                false,
                                "refused: redirect to a non-https URL or without Location"));
                        return null;
                    }
                    attempts.add(new AutodiscoverAttempt(
                            AutodiscoverSurface.JSON_V2, shown, false, "HTTP " + reply.status + " to " + next));
                    if (!hop(AutodiscoverSurface.JSON_V2, next.toString(), "redirect to " + next)) {
                        return null;
                    }
                    url = next;
                    continue;
                }
                attempts.add(new AutodiscoverAttempt(AutodiscoverSurface.JSON_V2, shown, false, httpOutcome(reply)));
                return null;
            }
        }
    }

    private record Outcome(AutodiscoverResult result, String redirectAddress) {
        static final Outcome NONE = new Outcome(null, null);
    }

    private record Reply(int status, String location, byte[] body) {}

    private Reply send(HttpRequest request) throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EwsTransportException("Interrupted during Autodiscover.", "", false, e);
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new IOException("response larger than " + MAX_BODY + " bytes");
        }
        return new Reply(
                response.statusCode(), response.headers().firstValue("location").orElse(null), body);
    }

    private List<AutodiscoverSurface> credentialedSurfaces() {
        return surfaces.stream()
                .filter(s -> s == AutodiscoverSurface.SOAP || s == AutodiscoverSurface.POX)
                .toList();
    }

    private List<URI> srvTargets(String domain) {
        List<SrvResolver.SrvRecord> records;
        try {
            records = srv.lookup("_autodiscover._tcp." + domain);
        } catch (RuntimeException e) {
            LOG.debug("SRV lookup for {} failed: {}", domain, e.toString());
            return List.of();
        }
        if (records == null || records.isEmpty()) {
            return List.of();
        }
        // "use only SSL records with the highest priority and weight": lowest priority value, then highest weight
        int best =
                records.stream().mapToInt(SrvResolver.SrvRecord::priority).min().orElseThrow();
        List<SrvResolver.SrvRecord> top = records.stream()
                .filter(r -> r.priority() == best && r.port() == 443)
                .sorted(Comparator.comparingInt(SrvResolver.SrvRecord::weight).reversed())
                .toList();
        if (top.isEmpty()) {
            return List.of();
        }
        int weight = top.get(0).weight();
        return top.stream()
                .filter(r -> r.weight() == weight)
                .map(r -> URI.create("https://" + CredentialScope.normalise(r.target())))
                .toList();
    }

    private static URI withSurfacePath(URI url, AutodiscoverSurface surface) {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.endsWith("/autodiscover/autodiscover.xml") || lower.endsWith("/autodiscover/autodiscover.svc")) {
            path = path.substring(0, path.length() - "/autodiscover/autodiscover.xml".length()) + surface.path();
        }
        try {
            return new URI(url.getScheme(), url.getRawAuthority(), path, null, null);
        } catch (URISyntaxException e) {
            return url;
        }
    }

    private static String resolve(URI base, String location) {
        try {
            return base.resolve(location).toString();
        } catch (IllegalArgumentException e) {
            return location;
        }
    }

    private static String httpOutcome(Reply reply) {
        if (reply.status == 401) {
            return "HTTP 401 (credentials not accepted here; trying the next candidate)";
        }
        if (reply.status / 100 == 3) {
            return "HTTP " + reply.status + " redirect (not followed with credentials)";
        }
        return "HTTP " + reply.status;
    }

    private static String failure(IOException e) {
        String m = e.getMessage();
        return (beforeRequest(e) ? "not reached: " : "failed: ")
                + e.getClass().getSimpleName()
                + (m == null ? "" : " " + firstLine(m));
    }

    /** The failure happened before any request bytes (so before the credentials) were sent. */
    private static boolean beforeRequest(IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return e instanceof java.net.ConnectException
                || e instanceof java.net.UnknownHostException
                || e instanceof java.net.http.HttpConnectTimeoutException
                || e instanceof javax.net.ssl.SSLHandshakeException
                || m.contains("unable to tunnel")
                || m.contains("tunnel failed");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static URI jsonUrl(URI base, String address, int redirectCount) {
        String root = base.toString().replaceAll("/+$", "");
        return URI.create(root + "/autodiscover/autodiscover.json?Email="
                + URLEncoder.encode(address, StandardCharsets.UTF_8) + "&Protocol=EWS&RedirectCount="
                + redirectCount);
    }

    static String normaliseAddress(String email) {
        Objects.requireNonNull(email, "email");
        String e = email.trim();
        int at = e.lastIndexOf('@');
        if (at <= 0) {
            throw new IllegalArgumentException("Not an e-mail address: " + email);
        }
        String domain;
        try {
            domain = CredentialScope.normalise(
                    java.net.IDN.toASCII(e.substring(at + 1).trim()));
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("Not an e-mail address with a valid domain: " + email, bad);
        }
        if (domain.isEmpty() || !domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
            throw new IllegalArgumentException("Not an e-mail address with a valid domain: " + email);
        }
        return e.substring(0, at).toLowerCase(Locale.ROOT) + "@" + domain;
    }

    static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    /** Configuration; {@link #build()} validates approved domains. */
    public static final class Builder {
        private final HttpSettings settings;
        private Authenticator authenticator;
        private List<AutodiscoverSurface> surfaces = List.of(AutodiscoverSurface.SOAP, AutodiscoverSurface.POX);
        private URI jsonV2Base = EXCHANGE_ONLINE_V2;
        private boolean httpRedirectMethod = true;
        private SrvResolver srv = SrvResolver.none();
        private final List<String> approved = new ArrayList<>();
        private Duration cacheTtl = Duration.ofHours(1);
        private Clock clock = Clock.systemUTC();
        private Duration requestTimeout;
        private RequestObserver observer;
        private String userAgent = "Mailbridge-EWS/0.1 Autodiscover";

        private Builder(HttpSettings settings) {
            this.settings = Objects.requireNonNull(settings);
        }

        /** Credentials for SOAP and POX (Basic for Exchange Server, Bearer for Exchange Online). */
        public Builder credentials(Authenticator authenticator) {
            this.authenticator = authenticator;
            return this;
        }

        /**
         * Which kinds to use, in order (default SOAP, POX). {@link AutodiscoverSurface#JSON_V2} is always
         * tried first when present. {@link AutodiscoverSurface#HTTP_REDIRECT} is switched with
         * {@link #httpRedirectMethod}.
         */
        public Builder surfaces(AutodiscoverSurface... surfaces) {
            List<AutodiscoverSurface> list = new ArrayList<>(List.of(surfaces));
            list.remove(AutodiscoverSurface.HTTP_REDIRECT);
            if (list.remove(AutodiscoverSurface.JSON_V2)) {
                list.add(0, AutodiscoverSurface.JSON_V2);
            }
            this.surfaces = List.copyOf(list);
            return this;
        }

        /** Exchange Online: Autodiscover v2 only (anonymous), at {@link #EXCHANGE_ONLINE_V2}. */
        public Builder exchangeOnline() {
            this.surfaces = List.of(AutodiscoverSurface.JSON_V2);
            return this;
        }

        /** Where Autodiscover v2 is asked (a national cloud's host); https only. */
        public Builder jsonV2Base(URI base) {
            if (!"https".equalsIgnoreCase(base.getScheme()) || base.getHost() == null) {
                throw new IllegalArgumentException("Autodiscover v2 must be https: " + base);
            }
            this.jsonV2Base = base;
            return this;
        }

        /** The anonymous plain-HTTP GET that may yield a 302 (default on). */
        public Builder httpRedirectMethod(boolean enabled) {
            this.httpRedirectMethod = enabled;
            return this;
        }

        public Builder srvResolver(SrvResolver resolver) {
            this.srv = Objects.requireNonNull(resolver);
            return this;
        }

        /**
         * Domains (and their subdomains) that may receive credentials besides the user's own, e.g. the
         * hosting provider's Autodiscover domain, or the target domain of an approved redirect. Public
         * suffixes and {@code autodiscover.<public suffix>} are refused.
         */
        public Builder approvedDomains(String... domains) {
            for (String d : domains) {
                approved.add(CredentialScope.checkApprovable(d));
            }
            return this;
        }

        /** How long an answer is reused (default 1 h); {@link Duration#ZERO} turns caching off. */
        public Builder cacheTtl(Duration ttl) {
            if (ttl.isNegative()) {
                throw new IllegalArgumentException("The cache TTL must not be negative");
            }
            this.cacheTtl = ttl;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Limit for one HTTP exchange; default the HttpSettings read timeout. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** Sees every SOAP/POX request body before it is sent (never the Authorization header). */
        public Builder requestObserver(RequestObserver observer) {
            this.observer = observer;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent);
            return this;
        }

        public AutodiscoverClient build() {
            return new AutodiscoverClient(this);
        }
    }
}
