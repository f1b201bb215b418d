package dev.mailbridge.emulator.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.emulator.exchange.MailStore.Mailbox;
import dev.mailbridge.emulator.server.Responses;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The Exchange part of the control API under {@code /_emulator/exchange}: mailboxes, delivery as if
 * by SMTP, fault injection and EWS switches. See docs/emulator-exchange.md.
 */
final class ExchangeControlApi {
    private final ExchangeService service;

    ExchangeControlApi(ExchangeService service) {
        this.service = service;
    }

    void handle(Request request, Response response, Callback callback, String sub) throws Exception {
        String method = request.getMethod();
        String[] seg = sub.isEmpty() ? new String[0] : sub.substring(1).split("/");
        for (int i = 0; i < seg.length; i++) {
            seg[i] = URLDecoder.decode(seg[i], StandardCharsets.UTF_8);
        }
        MailStore store = service.store();
        ExchangeService.Faults faults = service.faults();
        try {
            if (seg.length == 1 && seg[0].equals("mailboxes") && method.equals("GET")) {
                ArrayNode arr = ExchangeService.mapper().createArrayNode();
                for (Mailbox mb : store.mailboxes()) {
                    arr.add(describe(mb));
                }
                ok(response, callback, arr);
            } else if (seg.length == 1 && seg[0].equals("mailboxes") && method.equals("POST")) {
                JsonNode body = json(request);
                String smtp = body.path("smtp").asText(null);
                String tenant = body.path("tenant").asText(null);
                if (smtp == null || tenant == null) {
                    bad(response, callback, "smtp and tenant (tenant id) are required");
                    return;
                }
                ok(
                        response,
                        callback,
                        describe(store.createMailbox(
                                smtp, body.path("displayName").asText(smtp), tenant)));
            } else if (seg.length == 3
                    && seg[0].equals("mailboxes")
                    && seg[2].equals("deliver")
                    && method.equals("POST")) {
                byte[] mime = bytes(request);
                String folder = request.getHttpURI().getQuery() == null ? "inbox" : query(request, "folder", "inbox");
                ObjectNode out = ExchangeService.json();
                out.put("itemId", store.deliver(seg[1], folder, mime));
                ok(response, callback, out);
            } else if (seg.length == 4
                    && seg[0].equals("mailboxes")
                    && seg[2].equals("folders")
                    && method.equals("GET")) {
                ObjectNode out = ExchangeService.json();
                out.put("count", store.count(seg[1], seg[3]));
                ArrayNode subjects = out.putArray("subjects");
                store.subjects(seg[1], seg[3]).forEach(subjects::add);
                ok(response, callback, out);
            } else if (seg.length == 3
                    && seg[0].equals("mailboxes")
                    && seg[2].equals("ews-enabled")
                    && method.equals("POST")) {
                Mailbox mb = store.mailbox(seg[1]);
                if (mb == null) {
                    Responses.json(response, callback, 404, "{\"error\":\"no such mailbox\"}");
                    return;
                }
                JsonNode e = json(request).path("enabled");
                mb.ewsEnabled(e.isNull() || e.isMissingNode() ? null : e.asBoolean());
                ok(response, callback, describe(mb));
            } else if (seg.length == 2 && seg[0].equals("organizations") && method.equals("POST")) {
                JsonNode e = json(request).path("ewsEnabled");
                faults.organizationEwsEnabled(seg[1], e.isNull() || e.isMissingNode() ? null : e.asBoolean());
                ok(response, callback, ExchangeService.json().put("organization", seg[1]));
            } else if (seg.length == 2 && seg[0].equals("apps") && method.equals("POST")) {
                faults.appEwsEnabled(seg[1], json(request).path("ewsEnabled").asBoolean(true));
                ok(response, callback, ExchangeService.json().put("app", seg[1]));
            } else if (seg.length >= 1 && seg[0].equals("notifications")) {
                notifications(request, response, callback, seg, method);
            } else if (seg.length == 2 && seg[0].equals("faults") && method.equals("POST")) {
                JsonNode body = json(request);
                switch (seg[1]) {
                    case "throttle" ->
                        faults.throttle(
                                body.path("count").asInt(1),
                                body.path("backOffMilliseconds").asLong(30_000));
                    case "unavailable" -> faults.unavailable(body.path("count").asInt(1));
                    case "delay" -> faults.delay(body.path("milliseconds").asLong(0));
                    case "invalidate-sync-states" -> store.invalidateSyncStates();
                    case "reset" -> {
                        faults.reset();
                        service.notifications().reset();
                    }
                    default -> {
                        Responses.json(response, callback, 404, "{\"error\":\"unknown fault\"}");
                        return;
                    }
                }
                ok(response, callback, ExchangeService.json().put("fault", seg[1]));
            } else {
                Responses.json(response, callback, 404, "{\"error\":\"not found\"}");
            }
        } catch (IllegalArgumentException e) {
            bad(response, callback, e.getMessage());
        }
    }

    /** {@code /notifications/...}: subscriptions, timing, limits and notification faults. */
    private void notifications(Request request, Response response, Callback callback, String[] seg, String method)
            throws Exception {
        Subscriptions n = service.notifications();
        if (seg.length == 2 && seg[1].equals("subscriptions") && method.equals("GET")) {
            String mailbox = request.getHttpURI().getQuery() == null ? null : query(request, "mailbox", null);
            ObjectNode out = ExchangeService.json();
            ArrayNode ids = out.putArray("subscriptionIds");
            n.subscriptionIds(mailbox).forEach(ids::add);
            out.put("openStreams", n.openStreams());
            ok(response, callback, out);
            return;
        }
        if (seg.length != 2 || !method.equals("POST")) {
            Responses.json(response, callback, 404, "{\"error\":\"not found\"}");
            return;
        }
        JsonNode body = json(request);
        ObjectNode out = ExchangeService.json();
        switch (seg[1]) {
            case "expire" ->
                out.put(
                        "expired",
                        n.expire(
                                body.path("subscriptionId").asText(null),
                                body.path("mailbox").asText(null)));
            case "cut-streams" ->
                out.put("cut", n.cutStreams(body.path("mailbox").asText(null)));
            case "timing" -> {
                if (body.has("heartbeatMilliseconds")) {
                    n.heartbeatInterval(java.time.Duration.ofMillis(
                            body.path("heartbeatMilliseconds").asLong()));
                }
                if (body.has("minuteMilliseconds")) {
                    n.minuteLength(java.time.Duration.ofMillis(
                            body.path("minuteMilliseconds").asLong()));
                }
                out.put("heartbeatMilliseconds", n.heartbeatInterval().toMillis());
                out.put("minuteMilliseconds", n.minuteLength().toMillis());
            }
            case "limits" -> {
                if (body.has("connections")) {
                    n.connectionLimit(
                            body.path("connections").isNull()
                                    ? null
                                    : body.path("connections").asInt());
                }
                if (body.has("subscriptions")) {
                    n.subscriptionLimit(
                            body.path("subscriptions").isNull()
                                    ? null
                                    : body.path("subscriptions").asInt());
                }
                out.put("limits", "set");
            }
            case "reset" -> {
                n.reset();
                out.put("reset", true);
            }
            default -> {
                Responses.json(response, callback, 404, "{\"error\":\"unknown notifications action\"}");
                return;
            }
        }
        ok(response, callback, out);
    }

    private static String query(Request request, String name, String dflt) {
        for (String p : request.getHttpURI().getQuery().split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).equals(name)) {
                return URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return dflt;
    }

    private static ObjectNode describe(Mailbox mb) {
        ObjectNode n = ExchangeService.json();
        n.put("smtp", mb.smtp());
        n.put("displayName", mb.displayName());
        n.put("tenant", mb.tenantId());
        if (mb.ewsEnabled() == null) {
            n.putNull("ewsEnabled");
        } else {
            n.put("ewsEnabled", mb.ewsEnabled());
        }
        return n;
    }

    private static byte[] bytes(Request request) throws Exception {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] b = in.readNBytes(ExchangeService.MAX_BODY + 1);
            if (b.length > ExchangeService.MAX_BODY) {
                throw new IllegalArgumentException("body too large");
            }
            return b;
        }
    }

    private static JsonNode json(Request request) throws Exception {
        byte[] b = bytes(request);
        if (b.length == 0) {
            return ExchangeService.json();
        }
        try {
            return ExchangeService.mapper().readTree(b);
        } catch (Exception e) {
            throw new IllegalArgumentException("body is not JSON");
        }
    }

    private static void ok(Response response, Callback callback, JsonNode body) {
        Responses.json(response, callback, 200, body.toString());
    }

    private static void bad(Response response, Callback callback, String message) {
        ObjectNode n = ExchangeService.json();
        n.put("error", message);
        Responses.json(response, callback, 400, n.toString());
    }
}
