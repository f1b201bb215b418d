package dev.mailbridge.emulator.graph;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailbridge.emulator.server.Json;
import dev.mailbridge.emulator.server.Responses;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The Graph part of the control API under {@code /_emulator/graph}: throttling, delays and the
 * concurrency limit; subscriptions (list, lifecycle notifications, expiry). See docs/emulator-graph.md.
 */
final class GraphControlApi {
    private final GraphService service;

    GraphControlApi(GraphService service) {
        this.service = service;
    }

    void handle(Request request, Response response, Callback callback, String sub) throws IOException {
        String method = request.getMethod();
        String[] seg = sub.isEmpty() ? new String[0] : sub.substring(1).split("/");
        GraphThrottle throttle = service.throttle();
        GraphSubscriptions subs = service.subscriptions();
        JsonNode body = method.equals("POST") ? json(request) : Json.object();
        if (body == null) {
            bad(response, callback, 400, "The body must be a JSON object.");
            return;
        }
        if (method.equals("POST") && seg.length == 1 && seg[0].equals("throttle")) {
            String mailbox = body.path("mailbox").asText(null);
            if (mailbox == null) {
                bad(
                        response,
                        callback,
                        400,
                        "mailbox is required: {\"mailbox\":\"user@domain\",\"count\":1,\"retryAfterSeconds\":2}");
                return;
            }
            throttle.throttle(
                    mailbox,
                    body.path("count").asInt(1),
                    body.path("retryAfterSeconds").asInt(2));
            ok(response, callback);
        } else if (method.equals("POST") && seg.length == 1 && seg[0].equals("delay")) {
            throttle.delay(body.path("milliseconds").asLong(0));
            ok(response, callback);
        } else if (method.equals("POST") && seg.length == 1 && seg[0].equals("concurrency")) {
            throttle.concurrency(body.hasNonNull("limit") ? body.path("limit").asInt() : null);
            ok(response, callback);
        } else if (method.equals("POST") && seg.length == 1 && seg[0].equals("reset")) {
            throttle.reset();
            ok(response, callback);
        } else if (method.equals("GET") && seg.length == 1 && seg[0].equals("subscriptions")) {
            Responses.json(response, callback, 200, Json.write(Json.object().set("value", subs.describe())));
        } else if (method.equals("POST") && seg.length == 3 && seg[0].equals("subscriptions")) {
            boolean found;
            if (seg[2].equals("lifecycle")) {
                try {
                    found = subs.lifecycle(seg[1], body.path("event").asText(""));
                } catch (IllegalArgumentException e) {
                    bad(response, callback, 400, e.getMessage());
                    return;
                }
            } else if (seg[2].equals("expire")) {
                found = subs.expire(seg[1]);
            } else {
                bad(response, callback, 404, "Use .../subscriptions/{id}/lifecycle or .../subscriptions/{id}/expire.");
                return;
            }
            if (!found) {
                bad(response, callback, 404, "No subscription " + seg[1] + ".");
                return;
            }
            ok(response, callback);
        } else {
            bad(
                    response,
                    callback,
                    404,
                    "The Graph control API has no " + method + " " + sub + "; see docs/emulator-graph.md.");
        }
    }

    private static JsonNode json(Request request) throws IOException {
        byte[] raw;
        try (InputStream in = Content.Source.asInputStream(request)) {
            raw = in.readNBytes(1024 * 1024);
        }
        if (raw.length == 0) {
            return Json.object();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(raw);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void ok(Response response, Callback callback) {
        Responses.json(response, callback, 200, "{\"ok\":true}");
    }

    private static void bad(Response response, Callback callback, int status, String message) {
        Responses.json(
                response, callback, status, Json.error(status == 404 ? "not_found" : "invalid_request", message));
    }
}
