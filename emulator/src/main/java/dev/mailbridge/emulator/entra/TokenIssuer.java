package dev.mailbridge.emulator.entra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mailbridge.emulator.Endpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Mints access and ID tokens: the claims are decided under the directory lock, the RS256 signature
 * (about a millisecond each) is made after it, so token issuance uses every core. Access tokens are v1-shaped like the ones Exchange Online and Graph
 * receive (aud = resource URI, appid, scp or roles) but carry this listener's v2 issuer, so a fake
 * resource server can validate them against the emulator's metadata.
 */
final class TokenIssuer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String GLOBAL_ADMIN_ROLE = "62e90394-69f5-4237-9190-012177145e10";

    private final SigningKeys keys;

    TokenIssuer(SigningKeys keys) {
        this.keys = keys;
    }

    static String issuer(Endpoint endpoint, String tenantId) {
        return endpoint.url("/" + tenantId + "/v2.0");
    }

    /** User-token lifetime: random between 60 and 90 minutes, as Entra documents. */
    static long userTokenLifetime() {
        return 3600 + RANDOM.nextInt(1801);
    }

    JWTClaimsSet userAccessClaims(
            Endpoint endpoint,
            Tenant tenant,
            AppRegistration app,
            EntraUser user,
            String audience,
            List<String> scp,
            int appidacr,
            boolean mfa,
            Instant now,
            long lifetime) {
        JWTClaimsSet.Builder claims = common(endpoint, tenant, app, audience, appidacr, now, lifetime)
                .claim("acct", 0)
                .claim("amr", mfa ? List.of("pwd", "mfa") : List.of("pwd"))
                .claim("idtyp", "user")
                .claim("name", user.displayName)
                .claim("oid", user.oid)
                .claim("scp", String.join(" ", scp))
                .claim("sub", pairwise(user.oid, app.clientId))
                .claim("unique_name", user.upn)
                .claim("upn", user.upn)
                .claim("preferred_username", user.upn);
        if (user.admin) {
            claims.claim("wids", List.of(GLOBAL_ADMIN_ROLE));
        }
        return claims.build();
    }

    JWTClaimsSet appAccessClaims(
            Endpoint endpoint,
            Tenant tenant,
            AppRegistration app,
            String audience,
            List<String> roles,
            int appidacr,
            Instant now,
            long lifetime) {
        JWTClaimsSet claims = common(endpoint, tenant, app, audience, appidacr, now, lifetime)
                .claim("idtyp", "app")
                .claim("oid", app.servicePrincipalId)
                .claim("sub", app.servicePrincipalId)
                .claim("roles", roles)
                .build();
        return claims;
    }

    private JWTClaimsSet.Builder common(
            Endpoint endpoint,
            Tenant tenant,
            AppRegistration app,
            String audience,
            int appidacr,
            Instant now,
            long lifetime) {
        return new JWTClaimsSet.Builder()
                .audience(audience)
                .issuer(issuer(endpoint, tenant.id))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(lifetime)))
                .claim("app_displayname", app.displayName)
                .claim("appid", app.clientId)
                .claim("azp", app.clientId)
                .claim("appidacr", Integer.toString(appidacr))
                .claim("azpacr", Integer.toString(appidacr))
                .claim("tid", tenant.id)
                .claim("uti", GrantStore.opaque("", 16))
                .claim("ver", "1.0")
                .jwtID(UUID.randomUUID().toString());
    }

    JWTClaimsSet idTokenClaims(
            Endpoint endpoint,
            Tenant tenant,
            AppRegistration app,
            EntraUser user,
            String nonce,
            Instant authTime,
            boolean email,
            Instant now) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .audience(app.clientId)
                .issuer(issuer(endpoint, tenant.id))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .subject(pairwise(user.oid, app.clientId))
                .claim("auth_time", authTime.getEpochSecond())
                .claim("name", user.displayName)
                .claim("oid", user.oid)
                .claim("preferred_username", user.upn)
                .claim("tid", tenant.id)
                .claim("uti", GrantStore.opaque("", 16))
                .claim("ver", "2.0");
        if (nonce != null) {
            claims.claim("nonce", nonce);
        }
        if (email) {
            claims.claim("email", user.upn);
        }
        return claims.build();
    }

    /** Signs outside the directory lock: it reads nothing but the signing key. */
    String sign(JWTClaimsSet claims) {
        return keys.sign(claims);
    }

    /** MSAL's client_info: base64url of {"uid": oid, "utid": tid}, the account's home id. */
    static String clientInfo(EntraUser user, Tenant tenant) {
        ObjectNode node = JSON.createObjectNode().put("uid", user.oid).put("utid", tenant.id);
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Entra's sub is pairwise: stable per user and app, different across apps. */
    static String pairwise(String oid, String clientId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((oid + "|" + clientId).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 43);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
