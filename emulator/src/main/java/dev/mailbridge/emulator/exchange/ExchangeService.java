package dev.mailbridge.emulator.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.emulator.EmulatorClock;
import dev.mailbridge.emulator.EmulatorService;
import dev.mailbridge.emulator.Endpoint;
import dev.mailbridge.emulator.entra.EntraService;
import dev.mailbridge.emulator.entra.Tenant;
import dev.mailbridge.emulator.exchange.MailStore.Mailbox;
import dev.mailbridge.emulator.exchange.Xml.El;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Exchange Web Services ({@code /EWS/Exchange.asmx}) over the emulator's mailbox store. */
public final class ExchangeService implements EmulatorService {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String EWS_PATH = "/EWS/Exchange.asmx";
    public static final String CONTROL_PREFIX = "/_emulator/exchange";
    /** Largest request body accepted (Exchange Server's default EWS limit is 64 MiB). */
    static final int MAX_BODY = 64 * 1024 * 1024;
    /** EWSMaxConcurrency of Exchange Online and Exchange 2013+. */
    static final int MAX_CONCURRENCY = 27;

    static final Set<String> VERSIONS = Set.of(
            "Exchange2007",
            "Exchange2007_SP1",
            "Exchange2010",
            "Exchange2010_SP1",
            "Exchange2010_SP2",
            "Exchange2013",
            "Exchange2013_SP1",
            "Exchange2015",
            "Exchange2016",
            "V2015_10_05",
            "V2016_01_06",
            "V2016_04_13",
            "V2016_07_13",
            "V2016_10_10",
            "V2017_01_07",
            "V2017_04_14",
            "V2017_07_11",
            "V2017_10_09",
            "V2018_01_08");

    private final EntraService entra;
    private final MailStore store;
    private final EwsAuth auth;
    private final EwsOperations ops;
    private final Subscriptions subscriptions;
    private final StoreAccess access;
    private final Faults faults = new Faults();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    private ExchangeService(EmulatorClock clock, EntraService entra) {
        this.entra = entra;
        this.store = new MailStore(clock);
        this.auth = new EwsAuth(entra, clock);
        this.subscriptions = new Subscriptions(clock);
        this.store.events = subscriptions;
        this.ops = new EwsOperations(store, subscriptions);
        this.access = new StoreAccess(store);
    }

    /**
     * @param config the whole configuration file
     * @param entra the directory (tenants, users) and the tokens it issued
     */
    public static ExchangeService create(JsonNode config, EmulatorClock clock, EntraService entra, Path stateDir) {
        ExchangeService s = new ExchangeService(clock, entra);
        s.syncMailboxes();
        for (JsonNode m : config.path("exchange").path("messages")) {
            String mime = "From: " + m.path("from").asText("sender@example.com") + "\r\nTo: "
                    + m.path("mailbox").asText()
                    + "\r\nSubject: " + m.path("subject").asText("")
                    + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
                    + m.path("body").asText("") + "\r\n";
            s.store.deliver(
                    m.path("mailbox").asText(),
                    m.path("folder").asText("inbox"),
                    mime.getBytes(StandardCharsets.UTF_8));
        }
        return s;
    }

    /** The EWS path clients call. */
    public String ewsPath() {
        return EWS_PATH;
    }

    /** The mailbox store: create mailboxes, deliver messages, inspect folders. */
    public MailStore store() {
        syncMailboxes();
        return store;
    }

    /** The store as the Graph service uses it: snapshots and operations that raise EWS's events too. */
    public StoreAccess access() {
        syncMailboxes();
        return access;
    }

    /** Same as {@link #store()}. */
    public MailStore mailboxes() {
        return store();
    }

    /** Fault injection and EWS switches. */
    public Faults faults() {
        return faults;
    }

    /**
     * EWS notifications: subscriptions, streaming connections, their timing and limits, and
     * fault injection (expire subscriptions, cut streams).
     */
    public Subscriptions notifications() {
        return subscriptions;
    }

    /** Gives every directory user (all tenants, online and on-premises) a mailbox. */
    void syncMailboxes() {
        ArrayNode tenants;
        synchronized (entra.directory()) {
            tenants = entra.describeTenants();
        }
        for (JsonNode t : tenants) {
            for (JsonNode u : t.path("users")) {
                String upn = u.path("upn").asText();
                if (store.mailbox(upn) == null) {
                    store.createMailbox(
                            upn, u.path("displayName").asText(upn), t.path("id").asText());
                }
            }
        }
    }

    /** Fault injection (tests and the control API). */
    public static final class Faults {
        final AtomicInteger throttleCount = new AtomicInteger();
        final AtomicLong backOffMillis = new AtomicLong(30_000);
        final AtomicInteger unavailableCount = new AtomicInteger();
        final AtomicLong delayMillis = new AtomicLong();
        final Map<String, Boolean> orgEws = new ConcurrentHashMap<>();
        final Set<String> disabledApps = ConcurrentHashMap.newKeySet();

        /** The next {@code count} requests get ErrorServerBusy (SOAP fault, HTTP 500) with this back-off. */
        public void throttle(int count, long backOffMilliseconds) {
            backOffMillis.set(backOffMilliseconds);
            throttleCount.set(count);
        }

        /** The next {@code count} requests get HTTP 503. */
        public void unavailable(int count) {
            unavailableCount.set(count);
        }

        /** Every request waits this long before it is answered (0 = off). */
        public void delay(long milliseconds) {
            delayMillis.set(milliseconds);
        }

        /** Organisation-level EWSEnabled (tenant id or domain): null = not set, true, false. */
        public void organizationEwsEnabled(String tenantId, Boolean enabled) {
            if (enabled == null) {
                orgEws.remove(tenantId.toLowerCase(Locale.ROOT));
            } else {
                orgEws.put(tenantId.toLowerCase(Locale.ROOT), enabled);
            }
        }

        /** Blocks (or unblocks) an application id from EWS. */
        public void appEwsEnabled(String appId, boolean enabled) {
            if (enabled) {
                disabledApps.remove(appId.toLowerCase(Locale.ROOT));
            } else {
                disabledApps.add(appId.toLowerCase(Locale.ROOT));
            }
        }

        public void reset() {
            throttleCount.set(0);
            unavailableCount.set(0);
            delayMillis.set(0);
            orgEws.clear();
            disabledApps.clear();
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback, Endpoint endpoint) throws Exception {
        String path = request.getHttpURI().getPath();
        if (path == null) {
            return false;
        }
        if (path.equals(CONTROL_PREFIX) || path.startsWith(CONTROL_PREFIX + "/")) {
            new ExchangeControlApi(this).handle(request, response, callback, path.substring(CONTROL_PREFIX.length()));
            return true;
        }
        if (!path.equalsIgnoreCase(EWS_PATH)) {
            return false;
        }
        try {
            serve(request, response, callback, endpoint);
        } catch (org.eclipse.jetty.io.EofException e) {
            // the client went away mid-request (killed, or it gave up): nobody is left to answer
            LOG.debug("EWS client closed the connection on {} before its request was read", path);
            callback.failed(e);
        } catch (Exception e) {
            LOG.error("EWS emulator failed on {}", path, e);
            send(
                    response,
                    callback,
                    500,
                    envelope(
                            null,
                            new SoapFault(
                                            "ErrorInternalServerError",
                                            "An internal server error occurred. The operation failed.",
                                            null)
                                    .toXml()));
        }
        return true;
    }

    /**
     * An answer sent before the request body was read ends the connection, and says so: Jetty would
     * otherwise close it after the response, and a client reusing it would see its next request fail.
     */
    private static void answeredBeforeReadingTheBody(Response response) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }

    private void serve(Request request, Response response, Callback callback, Endpoint endpoint) throws Exception {
        long delay = faults.delayMillis.get();
        if (delay > 0) {
            Thread.sleep(delay);
        }
        if (faults.unavailableCount.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            answeredBeforeReadingTheBody(response);
            response.getHeaders().put("Retry-After", "5");
            send(response, callback, 503, "text/html", "<html><body>Service Unavailable</body></html>");
            return;
        }
        EwsAuth.Result who = auth.authenticate(
                request.getHeaders().get("Authorization"), request.getHeaders().get("X-AnchorMailbox"), endpoint);
        if (who.rejection() != null) {
            answeredBeforeReadingTheBody(response);
            for (Map.Entry<String, String> h : who.rejection().headers().entrySet()) {
                for (String v : h.getValue().split("\n")) {
                    response.getHeaders().add(h.getKey(), v);
                }
            }
            send(response, callback, 401, "text/html", "");
            return;
        }
        EwsAuth.Caller caller = who.caller();
        if (!"POST".equals(request.getMethod())) {
            answeredBeforeReadingTheBody(response);
            send(
                    response,
                    callback,
                    405,
                    "text/html",
                    "<html><body>EWS accepts POST with text/xml SOAP 1.1.</body></html>");
            return;
        }
        String forbidden = forbidden(caller, caller.upn());
        if (forbidden != null) {
            answeredBeforeReadingTheBody(response);
            send(response, callback, 403, "text/plain; charset=utf-8", forbidden);
            return;
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        String versionHeader = serverVersion(caller.tenant());
        if (body.length > MAX_BODY) {
            fault(
                    response,
                    callback,
                    versionHeader,
                    new SoapFault(
                            "ErrorRequestTooLarge", "The request is larger than the emulator accepts (64 MiB).", null));
            return;
        }
        if (faults.throttleCount.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            fault(response, callback, versionHeader, busy(faults.backOffMillis.get()));
            return;
        }
        AtomicInteger counter = inFlight.computeIfAbsent(caller.key(), k -> new AtomicInteger());
        if (counter.incrementAndGet() > MAX_CONCURRENCY) {
            counter.decrementAndGet();
            fault(response, callback, versionHeader, busy(5_000));
            return;
        }
        try {
            El env;
            try {
                env = Xml.parse(body);
            } catch (Xml.XmlException e) {
                fault(response, callback, versionHeader, SoapFault.schema(e.getMessage(), e.line, e.column));
                return;
            }
            Object answer;
            try {
                answer = dispatch(caller, env, request.getHeaders().get("X-AnchorMailbox"));
            } catch (SoapFault f) {
                fault(response, callback, versionHeader, f);
                return;
            } catch (EwsError e) {
                fault(response, callback, versionHeader, new SoapFault(e.code, e.getMessage(), e.messageXml));
                return;
            } catch (Forbidden f) {
                send(response, callback, 403, "text/plain; charset=utf-8", f.getMessage());
                return;
            }
            affinity(request, response);
            if (answer instanceof StreamingResponder stream) {
                // Streaming connections have their own budget (not EWSMaxConcurrency).
                stream.start(request, response, callback);
                return;
            }
            if (answer instanceof ReplyBody reply) {
                // Assembled here, outside the store's lock: the MIME's base64 is copied in as stored bytes.
                exchangeHeaders(response);
                reply.send(request, response, callback, envelopeStart(versionHeader), ENVELOPE_END);
                return;
            }
            send(response, callback, 200, envelope(versionHeader, (String) answer));
        } finally {
            counter.decrementAndGet();
        }
    }

    private static final class Forbidden extends RuntimeException {
        Forbidden(String m) {
            super(m, null, false, false);
        }
    }

    /** Why EWS is blocked for this caller and mailbox (HTTP 403), or null. */
    private String forbidden(EwsAuth.Caller caller, String mailbox) {
        Boolean org = faults.orgEws.get(caller.tenant().id().toLowerCase(Locale.ROOT));
        if (org == null) {
            org = faults.orgEws.get(caller.tenant().domain().toLowerCase(Locale.ROOT));
        }
        if (Boolean.FALSE.equals(org)) {
            return "EWS is disabled for this organization (EwsEnabled=False).";
        }
        if (caller.appId() != null
                && faults.disabledApps.contains(caller.appId().toLowerCase(Locale.ROOT))) {
            return "EWS is not allowed for application " + caller.appId() + " (EwsAllowedAppIDs / EwsBlockList).";
        }
        if (mailbox != null) {
            Mailbox mb = store.mailbox(mailbox);
            if (mb != null && Boolean.FALSE.equals(mb.ewsEnabled)) {
                return "EWS is disabled for mailbox " + mb.smtp + " (CASMailbox EwsEnabled=False).";
            }
        }
        return null;
    }

    static SoapFault busy(long backOff) {
        return new SoapFault(
                "ErrorServerBusy",
                "The server cannot service this request right now. Try again later.",
                "<t:Value Name=\"BackOffMilliseconds\">" + backOff + "</t:Value>");
    }

    /**
     * Notification affinity: a Subscribe (or any call) with {@code X-PreferServerAffinity: true}
     * gets the {@code X-BackEndOverrideCookie} of the anchor mailbox's back end.
     */
    private static void affinity(Request request, Response response) {
        if (!"true".equalsIgnoreCase(request.getHeaders().get("X-PreferServerAffinity"))) {
            return;
        }
        String anchor = request.getHeaders().get("X-AnchorMailbox");
        String key = anchor == null ? "default" : anchor.toLowerCase(Locale.ROOT);
        String server = "EMU" + Integer.toHexString(key.hashCode() & 0xfff).toUpperCase(Locale.ROOT)
                + "MB001.emulator.prod.outlook.com";
        response.getHeaders()
                .add(
                        "Set-Cookie",
                        "X-BackEndOverrideCookie=" + server + "~" + (key.hashCode() & 0x7fffffff)
                                + "; path=/; secure; HttpOnly");
    }

    private Object dispatch(EwsAuth.Caller caller, El env, String anchor) throws SoapFault {
        if (!env.name.equals("Envelope") || !(env.ns.equals(Xml.SOAP))) {
            if (env.name.equals("Envelope") && env.ns.equals(Xml.SOAP12)) {
                throw new SoapFault(
                        "ErrorInvalidRequest", "s:VersionMismatch", "The emulator speaks SOAP 1.1 only.", null);
            }
            throw SoapFault.schema("The root element must be a SOAP 1.1 Envelope.", env);
        }
        El header = null;
        El body = null;
        for (El c : env.children) {
            if (c.ns.equals(Xml.SOAP) && c.name.equals("Header")) {
                header = c;
            } else if (c.ns.equals(Xml.SOAP) && c.name.equals("Body")) {
                body = c;
            }
        }
        if (body == null || body.first() == null) {
            throw new SoapFault("ErrorInvalidRequest", "The request is invalid.", null);
        }
        El op = body.first();
        if (!op.ns.equals(Xml.M) || !EwsOperations.OPERATIONS.contains(op.name)) {
            throw SoapFault.schema("The element '" + op.name + "' in namespace '" + op.ns + "' is not expected.", op);
        }
        El impersonation = null;
        if (header != null) {
            El v = header.child("RequestServerVersion");
            if (v != null && (v.attr("Version") == null || !VERSIONS.contains(v.attr("Version")))) {
                throw new SoapFault("ErrorInvalidServerVersion", "The specified server version is invalid.", null);
            }
            impersonation = header.child("ExchangeImpersonation");
        }
        Mailbox target = resolveActingMailbox(caller, impersonation, anchor);
        String blocked = forbidden(caller, target.smtp);
        if (blocked != null) {
            throw new Forbidden(blocked);
        }
        synchronized (store) {
            if (op.name.equals("GetStreamingEvents")) {
                return subscriptions.getStreamingEvents(new EwsOperations.Ctx(caller, target), op);
            }
            return ops.run(new EwsOperations.Ctx(caller, target), op);
        }
    }

    private Mailbox resolveActingMailbox(EwsAuth.Caller caller, El impersonation, String anchor) throws SoapFault {
        if (impersonation == null) {
            if (caller.appOnly()) {
                throw new SoapFault(
                        "ErrorInvalidExchangeImpersonationHeaderData",
                        "ExchangeImpersonation SOAP header must be present for this type of OAuth token.",
                        null);
            }
            return ownMailbox(caller.upn(), caller);
        }
        El sid = impersonation.child("ConnectingSID");
        String who = null;
        if (sid != null) {
            for (String n : new String[] {"PrincipalName", "PrimarySmtpAddress", "SmtpAddress"}) {
                if (sid.childText(n) != null && !sid.childText(n).isEmpty()) {
                    who = sid.childText(n);
                }
            }
        }
        if (who == null) {
            throw new SoapFault(
                    "ErrorInvalidExchangeImpersonationHeaderData",
                    "The impersonation principal name is invalid.",
                    null);
        }
        if (caller.appOnly()) {
            if (anchor == null || anchor.isBlank()) {
                throw new SoapFault(
                        "ErrorInvalidRequest",
                        "The X-AnchorMailbox header is required when an app-only token impersonates a mailbox.",
                        null);
            }
        } else if (!caller.basic() || !caller.roles().contains("ApplicationImpersonation")) {
            throw new SoapFault(
                    "ErrorImpersonateUserDenied",
                    "The account does not have permission to impersonate the requested user.",
                    null);
        }
        Mailbox mb = syncedMailbox(who);
        if (mb == null || !mb.tenantId.equals(caller.tenant().id())) {
            throw new SoapFault(
                    "ErrorNonExistentMailbox",
                    "The SMTP address has no mailbox associated with it.",
                    "<t:Value Name=\"SmtpAddress\">" + Xml.esc(who) + "</t:Value>");
        }
        return mb;
    }

    private Mailbox ownMailbox(String upn, EwsAuth.Caller caller) throws SoapFault {
        Mailbox mb = syncedMailbox(upn);
        if (mb == null) {
            throw new SoapFault("ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.", null);
        }
        return mb;
    }

    private Mailbox syncedMailbox(String smtp) {
        Mailbox mb = store.mailbox(smtp);
        if (mb == null) {
            syncMailboxes();
            mb = store.mailbox(smtp);
        }
        return mb;
    }

    static String serverVersion(Tenant tenant) {
        String attrs = tenant != null && !tenant.online()
                ? "MajorVersion=\"15\" MinorVersion=\"2\" MajorBuildNumber=\"1544\" MinorBuildNumber=\"4\" Version=\"V2017_07_11\""
                : "MajorVersion=\"15\" MinorVersion=\"20\" MajorBuildNumber=\"8198\" MinorBuildNumber=\"22\" Version=\"V2018_01_08\"";
        return "<h:ServerVersionInfo " + attrs + " xmlns:h=\"" + Xml.T + "\" xmlns=\"" + Xml.T
                + "\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/>";
    }

    static String envelope(String header, String body) {
        return envelopeStart(header) + body + ENVELOPE_END;
    }

    private static final String ENVELOPE_END = "</s:Body></s:Envelope>";

    private static String envelopeStart(String header) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"" + Xml.SOAP + "\">"
                + (header == null ? "" : "<s:Header>" + header + "</s:Header>")
                + "<s:Body xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">";
    }

    private static void fault(Response response, Callback callback, String header, SoapFault f) {
        send(response, callback, 500, envelope(header, f.toXml()));
    }

    private static void send(Response response, Callback callback, int status, String xml) {
        send(response, callback, status, "text/xml; charset=utf-8", xml);
    }

    private static void send(Response response, Callback callback, int status, String type, String body) {
        exchangeHeaders(response);
        dev.mailbridge.emulator.server.Responses.send(response, callback, status, type, body);
    }

    /** What Exchange Online puts on every answer. */
    private static void exchangeHeaders(Response response) {
        response.getHeaders().put("request-id", java.util.UUID.randomUUID().toString());
        response.getHeaders().put("X-FEServer", "EMULATOR");
    }

    static ObjectNode json() {
        return JSON.createObjectNode();
    }

    static ObjectMapper mapper() {
        return JSON;
    }
}
