package dev.mailbridge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mailbridge.core.connect.AuthorizationFailure;
import dev.mailbridge.core.connect.Authorizations;
import dev.mailbridge.core.model.Mailbox;
import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Browser sign-in for a desktop: listens on the loopback interface for Microsoft's redirect to {@code
 * http://localhost:PORT} (Entra ignores the port of a registered {@code http://localhost}), opens the
 * sign-in page in the default browser when there is one, and hands the callback to core's {@link
 * Authorizations} (state once, PKCE, nonce, the 2-minute limit).
 */
final class BrowserSignIn {
    private final CliState state;
    private final Output out;
    private final int port;
    private final boolean open;

    BrowserSignIn(CliState state, Output out, int port, boolean open) {
        this.state = state;
        this.out = out;
        this.port = port;
        this.open = open;
    }

    static boolean desktopBrowser() {
        return !GraphicsEnvironment.isHeadless()
                && Desktop.isDesktopSupported()
                && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE);
    }

    Authorizations.Completed signIn(Mailbox m) throws IOException, InterruptedException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        CompletableFuture<Authorizations.Completed> done = new CompletableFuture<>();
        server.createContext("/", exchange -> callback(exchange, done));
        server.start();
        try {
            URI redirect = URI.create("http://localhost:" + server.getAddress().getPort());
            Authorizations.SignInRedirect start =
                    state.services().authorizations().start(m.id(), redirect, CliState.ACTOR);
            ObjectNode json = Output.object();
            json.put("event", "browser");
            json.put("authorizationUrl", start.authorizationUrl().toString());
            json.put("redirectUri", redirect.toString());
            json.put("expiresAt", start.expiresAt().toString());
            out.json(json);
            boolean opened = open && desktopBrowser() && browse(start.authorizationUrl());
            out.note((opened
                            ? "Your browser opened Microsoft's sign-in. If it did not, open: "
                            : "Open this page in a browser on this machine to sign in as " + m.address() + ":\n  ")
                    + start.authorizationUrl());
            out.note("Waiting for the sign-in (" + Authorizations.TIMEOUT.toMinutes() + " minutes; Ctrl-C stops) ...");
            try {
                return done.get(
                        Authorizations.TIMEOUT.plus(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (TimeoutException e) {
                throw new CliException(
                        ExitCodes.AUTH,
                        "The sign-in was not finished within " + Authorizations.TIMEOUT.toMinutes() + " minutes.",
                        "Run mailbridge login --browser again and complete the sign-in promptly.");
            }
        } finally {
            server.stop(0);
        }
    }

    private static boolean browse(URI url) {
        try {
            Desktop.getDesktop().browse(url);
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Microsoft's redirect: completes the sign-in once; anything else (a favicon) gets a 404. */
    private void callback(HttpExchange exchange, CompletableFuture<Authorizations.Completed> done) throws IOException {
        try (exchange) {
            Map<String, String> params = query(exchange.getRequestURI().getRawQuery());
            if (!"GET".equals(exchange.getRequestMethod())
                    || !exchange.getRequestURI().getPath().equals("/")
                    || !params.containsKey("state")
                    || done.isDone()) {
                reply(exchange, 404, "Not found.");
                return;
            }
            try {
                Authorizations.Completed c = state.services().authorizations().complete(params);
                reply(exchange, 200, "Signed in as " + c.signedInAs() + ". You can close this window.");
                done.complete(c);
            } catch (AuthorizationFailure f) {
                reply(exchange, 400, "Sign-in failed: " + f.getMessage() + " What to do: " + f.fix());
                done.completeExceptionally(f);
            } catch (RuntimeException e) {
                reply(exchange, 500, "Sign-in failed; see the terminal.");
                done.completeExceptionally(e);
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        String html = "<!doctype html><meta charset=utf-8><title>Mailbridge</title><p>" + escape(text) + "</p>";
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream o = exchange.getResponseBody()) {
            o.write(body);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }
}
