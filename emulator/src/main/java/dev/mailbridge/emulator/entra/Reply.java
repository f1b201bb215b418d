package dev.mailbridge.emulator.entra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What to send back: decided under the directory lock, written to Jetty afterwards. */
final class Reply {
    final int status;
    final String contentType;
    final String body;
    final Map<String, String> headers = new LinkedHashMap<>();
    final List<String> cookies = new ArrayList<>();

    Reply(int status, String contentType, String body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
    }

    static Reply json(int status, String json) {
        return new Reply(status, "application/json; charset=utf-8", json);
    }

    static Reply html(int status, String html) {
        return new Reply(status, "text/html; charset=utf-8", html);
    }

    static Reply redirect(String location) {
        Reply r = new Reply(302, "text/html; charset=utf-8", "");
        r.headers.put("Location", location);
        return r;
    }

    Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    Reply cookie(String setCookie) {
        cookies.add(setCookie);
        return this;
    }
}
