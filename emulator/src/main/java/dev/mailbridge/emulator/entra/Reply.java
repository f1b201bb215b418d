package dev.mailbridge.emulator.entra;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** What to send back: decided under the directory lock, written to Jetty afterwards. */
final class Reply {
    final int status;
    final String contentType;
    private final String body;
    private final Supplier<String> lateBody;
    final Map<String, String> headers = new LinkedHashMap<>();
    final List<String> cookies = new ArrayList<>();

    Reply(int status, String contentType, String body) {
        this(status, contentType, body, null);
    }

    private Reply(int status, String contentType, String body, Supplier<String> lateBody) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.lateBody = lateBody;
    }

    /**
     * A JSON body whose tokens are signed when the reply is written, after the directory lock is
     * released: everything in it was decided under the lock, only the signatures are computed later.
     */
    static Reply jsonSignedLater(int status, ObjectNode body, Map<String, JWTClaimsSet> tokens, TokenIssuer issuer) {
        return new Reply(status, "application/json; charset=utf-8", null, () -> {
            tokens.forEach((field, claims) -> body.put(field, issuer.sign(claims)));
            return body.toString();
        });
    }

    /** The body to write; computes a late body (signing) on the calling thread. */
    String body() {
        return lateBody != null ? lateBody.get() : body == null ? "" : body;
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
