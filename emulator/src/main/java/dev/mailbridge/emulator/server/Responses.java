package dev.mailbridge.emulator.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writing whole responses from the emulator's handlers. */
public final class Responses {
    private Responses() {}

    public static void json(Response response, Callback callback, int status, String json) {
        send(response, callback, status, "application/json; charset=utf-8", json);
    }

    public static void send(Response response, Callback callback, int status, String contentType, String body) {
        send(response, callback, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code bytes} must be {@code contentType}'s encoding already; the array is not copied. */
    public static void send(Response response, Callback callback, int status, String contentType, byte[] bytes) {
        head(response, status, contentType, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** Status and headers of a whole response of {@code length} bytes; the caller writes the body. */
    public static void head(Response response, int status, String contentType, long length) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store, no-cache");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    }
}
