package dev.mailbridge.emulator.autodiscover;

import java.util.LinkedHashMap;
import java.util.Map;

/** A complete response, decided before anything is written. */
record Reply(int status, String contentType, String body, Map<String, String> headers) {
    static final String XML = "text/xml; charset=utf-8";
    static final String JSON = "application/json; charset=utf-8";

    static Reply xml(int status, String body) {
        return new Reply(status, XML, body, new LinkedHashMap<>());
    }

    static Reply json(int status, String body) {
        return new Reply(status, JSON, body, new LinkedHashMap<>());
    }

    static Reply redirect(String location) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Location", location);
        return new Reply(
                302,
                "text/html; charset=utf-8",
                "<html><head><title>Object moved</title></head><body><h2>Object moved to <a href=\""
                        + SafeXml.escape(location) + "\">here</a>.</h2></body></html>",
                headers);
    }

    Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
