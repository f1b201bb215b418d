package dev.mailbridge.emulator.junit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy for tests, on the loopback interface. It lets a client reach the emulator under
 * real-looking host names ({@link #route}: {@code CONNECT autodiscover.contoso.com:443} is tunnelled
 * to the emulator's HTTPS port, {@code GET http://autodiscover.contoso.com/...} forwarded to its
 * plain-HTTP port), tunnels to {@code localhost} ports as they are, optionally demands Basic proxy
 * authentication, and records every request so tests can prove which hosts a client tried to reach
 * and what it sent. Anything else is refused with 502, as for an unknown host: it never resolves or
 * reaches a name that was not routed.
 */
public final class TestProxy implements AutoCloseable {
    /** One request the proxy saw; {@code authorization}: a plain-HTTP request carried an Authorization header. */
    public record Seen(String method, String host, int port, boolean routed, boolean authorization) {}

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

    private final ServerSocket server;
    private final String expectedAuthorization;
    private final Map<String, Integer> routes = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private final AtomicInteger challenges = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-proxy");
        t.setDaemon(true);
        return t;
    });

    private TestProxy(String user, String password) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.expectedAuthorization = user == null
                ? null
                : "Basic "
                        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        threads.execute(this::acceptLoop);
    }

    /** A proxy without authentication. */
    public static TestProxy open() throws IOException {
        return new TestProxy(null, null);
    }

    /** A proxy that answers 407 until the client sends these Basic credentials. */
    public static TestProxy withBasicAuth(String user, String password) throws IOException {
        return new TestProxy(user, password);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Sends {@code host:port} to the loopback port {@code to} (e.g. 443 to the emulator's HTTPS port). */
    public TestProxy route(String host, int port, int to) {
        routes.put(key(host, port), to);
        return this;
    }

    public void unroute(String host, int port) {
        routes.remove(key(host, port));
    }

    /** Every request, routed or refused, in order. */
    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public void clear() {
        seen.clear();
        targets.clear();
    }

    /** Tunnels opened (CONNECTs accepted). */
    public int tunnels() {
        return targets.size();
    }

    /** {@code host:port} of every accepted CONNECT. */
    public List<String> targets() {
        return List.copyOf(targets);
    }

    /** 407 answers sent. */
    public int challenges() {
        return challenges.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                threads.execute(() -> handle(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void handle(Socket client) {
        try {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String[] lines;
            while (true) { // like most proxies, keep the connection open after a 407 for the retry
                String head = readHead(in);
                if (head.isEmpty()) {
                    close(client);
                    return;
                }
                lines = head.split("\r\n");
                if (expectedAuthorization == null
                        || expectedAuthorization.equals(header(lines, "proxy-authorization"))) {
                    break;
                }
                challenges.incrementAndGet();
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\n"
                                + "Proxy-Authenticate: Basic realm=\"test-proxy\"\r\nContent-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            String[] requestLine = lines[0].split(" ");
            if (requestLine[0].equals("CONNECT")) {
                tunnel(client, requestLine[1]);
            } else {
                forward(client, lines, requestLine);
            }
        } catch (IOException | RuntimeException e) {
            close(client);
        }
    }

    private void tunnel(Socket client, String target) throws IOException {
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon).toLowerCase(Locale.ROOT);
        int port = Integer.parseInt(target.substring(colon + 1));
        Integer to = routes.get(key(host, port));
        boolean loopback = LOOPBACK_NAMES.contains(host);
        seen.add(new Seen("CONNECT", host, port, to != null, false));
        if (to == null && !loopback) {
            respond(client.getOutputStream(), "502 Bad Gateway");
            close(client);
            return;
        }
        Socket upstream = connect(to != null ? to : port);
        targets.add(target);
        client.getOutputStream()
                .write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        threads.execute(() -> pipe(upstream, client));
        pipe(client, upstream);
    }

    /** A plain-HTTP request in absolute form, forwarded to the routed port with an origin-form request line. */
    private void forward(Socket client, String[] lines, String[] requestLine) throws IOException {
        URI uri = URI.create(requestLine[1]);
        String host = String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT);
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        Integer to = "http".equalsIgnoreCase(uri.getScheme()) ? routes.get(key(host, port)) : null;
        seen.add(new Seen(requestLine[0], host, port, to != null, header(lines, "authorization") != null));
        if (to == null) {
            respond(client.getOutputStream(), "502 Bad Gateway");
            close(client);
            return;
        }
        Socket upstream = connect(to);
        StringBuilder forwarded = new StringBuilder();
        forwarded.append(requestLine[0]).append(' ').append(uri.getRawPath());
        if (uri.getRawQuery() != null) {
            forwarded.append('?').append(uri.getRawQuery());
        }
        forwarded.append(' ').append(requestLine[2]).append("\r\n");
        for (int i = 1; i < lines.length; i++) {
            String lower = lines[i].toLowerCase(Locale.ROOT);
            if (!lower.startsWith("connection:")
                    && !lower.startsWith("proxy-connection:")
                    && !lower.startsWith("proxy-authorization:")) {
                forwarded.append(lines[i]).append("\r\n");
            }
        }
        forwarded.append("Connection: close\r\n\r\n");
        upstream.getOutputStream().write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
        upstream.getOutputStream().flush();
        threads.execute(() -> pipe(client, upstream));
        pipe(upstream, client);
    }

    private Socket connect(int port) throws IOException {
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        open.add(upstream);
        return upstream;
    }

    private static String key(String host, int port) {
        return host.toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static String header(String[] lines, String name) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0
                    && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            int n = head.size();
            if (n > 16384) {
                throw new IOException("request head too long");
            }
            if (b == '\n' && n >= 4) {
                byte[] bytes = head.toByteArray();
                if (bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r') {
                    break;
                }
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static void respond(OutputStream out, String status) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException ignored) {
            // one side closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(TestProxy::close);
        threads.shutdownNow();
    }
}
