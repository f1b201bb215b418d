package dev.mailbridge.ews.autodiscover;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A test HTTP proxy that makes real-looking host names reach the emulator: {@code CONNECT host:port}
 * is tunnelled to the loopback port routed for that name and port (e.g. 443 to the emulator's HTTPS
 * port), and a plain-HTTP request in absolute form ({@code GET http://host/...}) is forwarded to the
 * routed port for {@code host:80}. Everything else is refused (502, as for an unknown host). Records
 * every request, routed or not, so tests can prove which hosts the client tried to reach.
 * Adapted from identity's {@code ConnectProxy}.
 */
final class RoutingProxy implements AutoCloseable {
    /** One request the proxy saw. {@code authorization}: a plain-HTTP request carried an Authorization header. */
    record Seen(String method, String host, int port, boolean routed, boolean authorization) {}

    private final ServerSocket server;
    private final Map<String, Integer> routes = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-routing-proxy");
        t.setDaemon(true);
        return t;
    });

    RoutingProxy() throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Routes {@code host:port} to the loopback port {@code to}. */
    RoutingProxy route(String host, int port, int to) {
        routes.put(host.toLowerCase(Locale.ROOT) + ":" + port, to);
        return this;
    }

    void unroute(String host, int port) {
        routes.remove(host.toLowerCase(Locale.ROOT) + ":" + port);
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    void clear() {
        seen.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                threads.execute(() -> handle(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            if (head.isEmpty()) {
                close(client);
                return;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            String method = requestLine[0];
            if (method.equals("CONNECT")) {
                String target = requestLine[1];
                int colon = target.lastIndexOf(':');
                String host = target.substring(0, colon).toLowerCase(Locale.ROOT);
                int port = Integer.parseInt(target.substring(colon + 1));
                Integer to = routes.get(host + ":" + port);
                seen.add(new Seen("CONNECT", host, port, to != null, false));
                if (to == null) {
                    respond(out, "502 Bad Gateway");
                    close(client);
                    return;
                }
                Socket upstream = connect(to);
                out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                threads.execute(() -> pipe(upstream, client));
                pipe(client, upstream);
                return;
            }
            URI uri = URI.create(requestLine[1]);
            String host = String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT);
            int port = uri.getPort() < 0 ? 80 : uri.getPort();
            boolean auth = header(lines, "authorization") != null;
            Integer to = "http".equalsIgnoreCase(uri.getScheme()) ? routes.get(host + ":" + port) : null;
            seen.add(new Seen(method, host, port, to != null, auth));
            if (to == null) {
                respond(out, "502 Bad Gateway");
                close(client);
                return;
            }
            Socket upstream = connect(to);
            StringBuilder forwarded = new StringBuilder();
            forwarded.append(method).append(' ').append(uri.getRawPath());
            if (uri.getRawQuery() != null) {
                forwarded.append('?').append(uri.getRawQuery());
            }
            forwarded.append(' ').append(requestLine[2]).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                String lower = lines[i].toLowerCase(Locale.ROOT);
                if (!lower.startsWith("connection:") && !lower.startsWith("proxy-connection:")) {
                    forwarded.append(lines[i]).append("\r\n");
                }
            }
            forwarded.append("Connection: close\r\n\r\n");
            upstream.getOutputStream().write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
            upstream.getOutputStream().flush();
            threads.execute(() -> pipe(client, upstream));
            pipe(upstream, client);
        } catch (IOException | RuntimeException e) {
            close(client);
        }
    }

    private Socket connect(int port) throws IOException {
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        open.add(upstream);
        return upstream;
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
            byte[] bytes = head.toByteArray();
            int n = bytes.length;
            if (n >= 4
                    && bytes[n - 4] == '\r'
                    && bytes[n - 3] == '\n'
                    && bytes[n - 2] == '\r'
                    && bytes[n - 1] == '\n') {
                break;
            }
            if (n > 16384) {
                throw new IOException("request head too long");
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
        open.forEach(RoutingProxy::close);
        threads.shutdownNow();
    }
}
