package dev.mailbridge.emulator.graph;

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
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who is calling Graph: a bearer token the Entra emulator issued for the listener's cloud's Graph
 * resource, delegated (scp) or app-only (roles). Failures are Graph's 401s with
 * {@code InvalidAuthenticationToken}; missing permissions are checked per operation ({@link #require}).
 */
final class GraphAuth {
    /** The permission a Graph operation needs, as scope or app role names; any one is enough. */
    enum Need {
        READ(Set.of("Mail.Read", "Mail.ReadWrite")),
        WRITE(Set.of("Mail.ReadWrite")),
        SEND(Set.of("Mail.Send")),
        USER(Set.of("User.Read", "User.ReadBasic.All", "User.Read.All", "Mail.Read", "Mail.ReadWrite", "Mail.Send"));

        final Set<String> permissions;

        Need(Set<String> permissions) {
            this.permissions = permissions;
        }
    }

    /** An authenticated caller: upn and userId are null for app-only tokens. */
    record Caller(Tenant tenant, String upn, String userId, String appId, boolean appOnly, Set<String> permissions) {
        String describe() {
            return appOnly ? "app " + appId : upn;
        }
    }

    private final EntraService entra;
    private final EmulatorClock clock;

    GraphAuth(EntraService entra, EmulatorClock clock) {
        this.entra = entra;
        this.clock = clock;
    }

    Caller authenticate(String authorization, Endpoint endpoint) throws GraphError {
        if (authorization == null || authorization.isBlank()) {
            throw invalid(endpoint, "Access token is empty.");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw invalid(endpoint, "Access token is empty.");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(authorization.substring(7).trim());
            claims = jwt.getJWTClaimsSet();
        } catch (Exception e) {
            throw invalid(endpoint, "CompactToken parsing failed with error code: 80049217");
        }
        boolean signed;
        try {
            signed = JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())
                    && jwt.verify(new RSASSAVerifier(entra.tokenSigningKey()));
        } catch (Exception e) {
            signed = false;
        }
        if (!signed) {
            throw invalid(endpoint, "Access token validation failure.");
        }
        Instant now = clock.instant();
        if (claims.getExpirationTime() == null
                || !claims.getExpirationTime().toInstant().isAfter(now)) {
            throw invalid(endpoint, "Lifetime validation failed, the token is expired.");
        }
        if (claims.getNotBeforeTime() != null
                && claims.getNotBeforeTime().toInstant().isAfter(now.plusSeconds(300))) {
            throw invalid(endpoint, "Lifetime validation failed, the token is not yet valid.");
        }
        Cloud cloud = endpoint.cloud();
        List<String> aud = claims.getAudience();
        if (aud == null
                || !(aud.contains(cloud.graphResource())
                        || aud.contains(cloud.graphResource() + "/")
                        || aud.contains(Cloud.GRAPH_APP_ID))) {
            throw invalid(endpoint, "Access token validation failure. Invalid audience.");
        }
        String tid = text(claims, "tid");
        Tenant tenant = tid == null ? null : entra.directory().tenant(tid);
        if (tenant == null || !tenant.online() || tenant.cloud() != cloud) {
            throw invalid(endpoint, "Access token validation failure. Invalid issuer or tenant.");
        }
        String iss = claims.getIssuer();
        if (iss == null || !iss.endsWith("/" + tenant.id() + "/v2.0")) {
            throw invalid(endpoint, "Access token validation failure. Invalid issuer or signature.");
        }
        String appId = text(claims, "appid");
        String scp = text(claims, "scp");
        if (scp != null) {
            String upn = text(claims, "upn");
            EntraUser user = user(tenant, upn);
            if (user == null || user.disabled()) {
                throw invalid(endpoint, "The user or administrator has not consented or the user does not exist.");
            }
            return new Caller(
                    tenant,
                    user.upn().toLowerCase(Locale.ROOT),
                    user.oid(),
                    appId,
                    false,
                    names(List.of(scp.split(" "))));
        }
        List<String> roles;
        try {
            roles = claims.getStringListClaim("roles");
        } catch (Exception e) {
            roles = null;
        }
        return new Caller(tenant, null, null, appId, true, names(roles == null ? List.of() : roles));
    }

    /** 403 ErrorAccessDenied unless the caller holds one of the permissions the operation needs. */
    static void require(Caller caller, Need need) throws GraphError {
        for (String p : need.permissions) {
            if (caller.permissions().contains(p.toLowerCase(Locale.ROOT))) {
                return;
            }
        }
        throw GraphError.accessDenied();
    }

    private EntraUser user(Tenant tenant, String upn) {
        if (upn == null) {
            return null;
        }
        try {
            return entra.directory().user(tenant.id(), upn);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Set<String> names(List<String> list) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (String s : list) {
            if (!s.isBlank()) {
                out.add(s.trim().toLowerCase(Locale.ROOT));
            }
        }
        return Set.copyOf(out);
    }

    private static String text(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v == null ? null : v.toString();
    }

    /** Graph's 401 with the Bearer challenge naming the cloud's login host. */
    static GraphError invalid(Endpoint endpoint, String message) {
        return new GraphError(401, "InvalidAuthenticationToken", message)
                .header(
                        "WWW-Authenticate",
                        "Bearer realm=\"\", authorization_uri=\"https://"
                                + endpoint.cloud().loginHost() + "/common/oauth2/authorize\", client_id=\""
                                + Cloud.GRAPH_APP_ID + "\"");
    }
}
