package dev.mailbridge.emulator.exchange;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mailbridge.emulator.Cloud;
import dev.mailbridge.emulator.EmulatorClock;
import dev.mailbridge.emulator.Endpoint;
import dev.mailbridge.emulator.entra.EntraService;
import dev.mailbridge.emulator.entra.EntraUser;
import dev.mailbridge.emulator.entra.Tenant;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Who is calling EWS: OAuth bearer tokens from the Entra emulator, or Basic for on-premises organisations. */
final class EwsAuth {
    static final String EWS_SCOPE = "EWS.AccessAsUser.All";
    static final String APP_ROLE = "full_access_as_app";

    /** The authenticated caller. upn is null for app-only tokens. */
    record Caller(Tenant tenant, String upn, String appId, boolean appOnly, boolean basic, List<String> roles) {
        String key() {
            return appOnly ? "app:" + appId : upn;
        }
    }

    /** A refusal at the HTTP layer (401). */
    record Rejection(int status, Map<String, String> headers, String body) {}

    /** Either a caller or a rejection. */
    record Result(Caller caller, Rejection rejection) {}

    private final EntraService entra;
    private final EmulatorClock clock;

    EwsAuth(EntraService entra, EmulatorClock clock) {
        this.entra = entra;
        this.clock = clock;
    }

    Result authenticate(String authorization, String anchorMailbox, Endpoint endpoint) {
        if (authorization == null || authorization.isBlank()) {
            Tenant anchorTenant = tenantOfAddress(anchorMailbox);
            if (anchorTenant != null && anchorTenant.online()) {
                return reject(bearerChallenge(endpoint, null, null, null));
            }
            if (anchorTenant != null) {
                return reject(basicChallenge(endpoint));
            }
            Map<String, String> h = bearerChallenge(endpoint, null, null, null);
            h.put(
                    "WWW-Authenticate",
                    h.get("WWW-Authenticate") + "\n" + basicChallenge(endpoint).get("WWW-Authenticate"));
            return reject(h);
        }
        String lower = authorization.toLowerCase(Locale.ROOT);
        if (lower.startsWith("bearer ")) {
            return bearer(authorization.substring(7).trim(), endpoint);
        }
        if (lower.startsWith("basic ")) {
            return basic(authorization.substring(6).trim(), endpoint);
        }
        return reject(
                bearerChallenge(endpoint, "2000001", "The authorization scheme is not supported.", "invalid_token"));
    }

    private Result basic(String encoded, Endpoint endpoint) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return reject(basicChallenge(endpoint));
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return reject(basicChallenge(endpoint));
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        int backslash = user.indexOf('\\');
        if (backslash >= 0) {
            user = user.substring(backslash + 1);
        }
        synchronized (entra.directory()) {
            for (Tenant t : entra.directory().tenants()) {
                EntraUser u = findUser(t, user);
                if (u == null) {
                    continue;
                }
                if (t.online()) {
                    // Exchange Online turned Basic off for EWS in 2022: the client must use OAuth.
                    return reject(bearerChallenge(endpoint, null, null, null));
                }
                if (u.disabled() || !password.equals(u.password())) {
                    return reject(basicChallenge(endpoint));
                }
                return new Result(new Caller(t, u.upn().toLowerCase(Locale.ROOT), null, false, true, u.roles()), null);
            }
        }
        return reject(basicChallenge(endpoint));
    }

    private EntraUser lookup(String tenantId, String upn) {
        try {
            return entra.directory().user(tenantId, upn);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Tenant tenant(String ref) {
        try {
            return entra.directory().tenant(ref);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private EntraUser findUser(Tenant t, String user) {
        if (user.contains("@")) {
            return lookup(t.id(), user);
        }
        for (String d : t.domains()) {
            EntraUser u = lookup(t.id(), user + "@" + d);
            if (u != null) {
                return u;
            }
        }
        return null;
    }

    private Result bearer(String token, Endpoint endpoint) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (Exception e) {
            return reject(bearerChallenge(
                    endpoint, "2000001", "OAuth token submitted with the request cannot be parsed.", "invalid_token"));
        }
        try {
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())
                    || !jwt.verify(new RSASSAVerifier(entra.tokenSigningKey()))) {
                return reject(
                        bearerChallenge(endpoint, "2000000", "The token signature is invalid.", "invalid_signature"));
            }
        } catch (Exception e) {
            return reject(bearerChallenge(endpoint, "2000000", "The token signature is invalid.", "invalid_signature"));
        }
        Instant now = clock.instant();
        if (claims.getExpirationTime() == null
                || !claims.getExpirationTime().toInstant().isAfter(now)) {
            return reject(bearerChallenge(endpoint, "2000002", "The token has expired.", "token_expired"));
        }
        if (claims.getNotBeforeTime() != null
                && claims.getNotBeforeTime().toInstant().isAfter(now.plusSeconds(300))) {
            return reject(bearerChallenge(endpoint, "2000001", "The token is not yet valid.", "invalid_token"));
        }
        Cloud cloud = endpoint.cloud();
        List<String> aud = claims.getAudience();
        boolean audOk = aud != null
                && (aud.contains(cloud.exchangeResource())
                        || aud.contains(cloud.exchangeResource() + "/")
                        || aud.contains(Cloud.EXCHANGE_APP_ID));
        if (!audOk) {
            return reject(bearerChallenge(
                    endpoint,
                    "2000003",
                    "The audience claim value is invalid '" + String.join(",", aud == null ? List.of() : aud) + "'.",
                    "invalid_resource"));
        }
        String tid = str(claims, "tid");
        String iss = claims.getIssuer();
        Tenant tenant;
        synchronized (entra.directory()) {
            tenant = tid == null ? null : tenant(tid);
        }
        if (tenant == null || !tenant.online() || tenant.cloud() != cloud) {
            return reject(bearerChallenge(
                    endpoint, "2000004", "The tenant for tenant guid '" + tid + "' does not exist.", "invalid_tenant"));
        }
        if (iss == null
                || !(iss.startsWith("https://") || iss.startsWith("http://"))
                || !iss.endsWith("/" + tenant.id() + "/v2.0")) {
            return reject(
                    bearerChallenge(endpoint, "2000001", "The issuer of the token is not trusted.", "invalid_token"));
        }
        String appId = str(claims, "appid");
        String scp = str(claims, "scp");
        List<String> roles;
        try {
            roles = claims.getStringListClaim("roles");
        } catch (Exception e) {
            roles = null;
        }
        if (scp != null) {
            if (!List.of(scp.split(" ")).contains(EWS_SCOPE)) {
                return reject(bearerChallenge(
                        endpoint,
                        "2000008",
                        "The token should have valid permissions or linked account associated with partner application '"
                                + Cloud.EXCHANGE_APP_ID + "'.",
                        "invalid_grant"));
            }
            String upn = str(claims, "upn");
            EntraUser user;
            synchronized (entra.directory()) {
                user = upn == null ? null : lookup(tenant.id(), upn);
            }
            if (user == null || user.disabled()) {
                return reject(bearerChallenge(
                        endpoint,
                        "2000005",
                        "The user specified by the user-context in the token does not exist.",
                        "invalid_user"));
            }
            return new Result(
                    new Caller(tenant, user.upn().toLowerCase(Locale.ROOT), appId, false, false, user.roles()), null);
        }
        if (roles == null || !roles.contains(APP_ROLE)) {
            return reject(bearerChallenge(
                    endpoint,
                    "2000008",
                    "The token should have valid permissions or linked account associated with partner application '"
                            + Cloud.EXCHANGE_APP_ID + "'.",
                    "invalid_grant"));
        }
        return new Result(new Caller(tenant, null, appId, true, false, roles), null);
    }

    private static String str(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v == null ? null : v.toString();
    }

    Tenant tenantOfAddress(String smtp) {
        if (smtp == null || !smtp.contains("@")) {
            return null;
        }
        String domain = smtp.substring(smtp.indexOf('@') + 1).trim();
        synchronized (entra.directory()) {
            for (Tenant t : entra.directory().tenants()) {
                for (String d : t.domains()) {
                    if (d.equalsIgnoreCase(domain)) {
                        return t;
                    }
                }
            }
        }
        return null;
    }

    private static Result reject(Map<String, String> headers) {
        return new Result(null, new Rejection(401, headers, ""));
    }

    static Map<String, String> bearerChallenge(Endpoint endpoint, String id, String reason, String category) {
        Map<String, String> h = new LinkedHashMap<>();
        String authorize = "https://" + endpoint.cloud().loginHost() + "/common/oauth2/authorize";
        StringBuilder b = new StringBuilder("Bearer client_id=\"")
                .append(Cloud.EXCHANGE_APP_ID)
                .append(
                        "\", trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", token_types=\"app_asserted_user_v1 service_asserted_app_v1\", authorization_uri=\"")
                .append(authorize)
                .append('"');
        if (id != null) {
            b.append(", error=\"invalid_token\"");
            h.put(
                    "x-ms-diagnostics",
                    id + ";reason=\"" + reason.replace("\"", "'") + "\";error_category=\"" + category + "\"");
        }
        h.put("WWW-Authenticate", b.toString());
        return h;
    }

    static Map<String, String> basicChallenge(Endpoint endpoint) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("WWW-Authenticate", "Basic realm=\"" + endpoint.baseUrl().getHost() + "\"");
        return h;
    }
}
