package dev.mailbridge.identity.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP CONNECT proxy for tests, on the loopback interface, with optional Basic proxy
 * authentication. It only tunnels to loopback addresses and counts the tunnels it opened and the 407s it
 * answered, so tests can prove which requests went through it.
 */
public final class ConnectProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String expectedAuthorization;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-connect-proxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger tunnels = new AtomicInteger();
    private final AtomicInteger challenges = new AtomicInteger();
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private ConnectProxy(String user, String password) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.expectedAuthorization = user == null
                ? null
                : "Basic "
                        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        threads.execute(this::acceptLoop);
    }

    public static ConnectProxy open() throws IOException {
        return new ConnectProxy(null, null);
    }

    public static ConnectProxy withBasicAuth(String user, String password) throws IOException {
        return new ConnectProxy(user, password);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Tunnels opened (CONNECTs accepted). */
    public int tunnels() {
        return tunnels.get();
    }

    /** 407 answers sent. */
    public int challenges() {
        return challenges.get();
    }

    /** host:port of every accepted CONNECT. */
    public List<String> targets() {
        return List.copyOf(targets);
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
            String[] requestLine;
            while (true) { // like most proxies, keep the connection open after a 407 for the retry
                String head = readHead(in);
                if (head.isEmpty()) {
                    close(client);
                    return;
                }
                lines = head.split("\r\n");
                requestLine = lines[0].split(" ");
                if (!requestLine[0].equals("CONNECT")) {
                    respond(out, "405 Method Not Allowed");
                    return;
                }
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
            String target = requestLine[1];
            int colon = target.lastIndexOf(':');
            String host = target.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(target.substring(colon + 1));
            InetAddress address = InetAddress.getByName(host);
            if (!address.isLoopbackAddress()) {
                respond(out, "403 Forbidden"); // tests reach only this machine
                return;
            }
            Socket upstream = new Socket();
            upstream.connect(new InetSocketAddress(address, port), 5000);
            open.add(upstream);
            tunnels.incrementAndGet();
            targets.add(target);
            out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            threads.execute(() -> pipe(upstream, client));
            pipe(client, upstream);
        } catch (IOException e) {
            close(client);
        }
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
        return head.toString(StandardCharsets.US_ASCII);
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
        open.forEach(ConnectProxy::close);
        threads.shutdownNow();
    }
}
