package dev.mailbridge.emulator.entra;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mailbridge.emulator.Cloud;
import dev.mailbridge.emulator.entra.ClientAuthenticator.Client;
import dev.mailbridge.emulator.entra.EntraContext.TenantRef;
import dev.mailbridge.emulator.entra.GrantStore.AuthCode;
import dev.mailbridge.emulator.entra.GrantStore.DeviceCode;
import dev.mailbridge.emulator.entra.GrantStore.DeviceState;
import dev.mailbridge.emulator.entra.GrantStore.RefreshToken;
import dev.mailbridge.emulator.entra.ResourceCatalog.Resource;
import dev.mailbridge.emulator.entra.ResourceCatalog.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * POST /{tenant}/oauth2/v2.0/token and /devicecode: every grant with Entra's rules — single-use
 * codes, PKCE, refresh-token rotation and 90-day inactivity, TokensValidFrom, consent, one resource
 * per token, app-only roles — and Entra's errors when a rule is broken.
 */
final class TokenEndpoint {
    static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofDays(90);
    private static final long APP_TOKEN_LIFETIME = 3599;

    private final EntraContext ctx;
    private final ClientAuthenticator clients;

    TokenEndpoint(EntraContext ctx) {
        this.ctx = ctx;
        this.clients = new ClientAuthenticator(ctx);
    }

    Reply token(EntraRequest r, String tenantSegment) {
        try {
            if (!r.isPost()) {
                throw EntraErrors.onlyPost(r.method());
            }
            TenantRef ref = ctx.tenantRef(tenantSegment, r.endpoint().cloud());
            if (r.malformedBody()) {
                throw EntraErrors.malformed();
            }
            String grantType = required(r, "grant_type");
            return switch (grantType) {
                case "authorization_code" -> authorizationCode(r, ref);
                case "refresh_token" -> refreshToken(r, ref);
                case "client_credentials" -> clientCredentials(r, ref);
                // MSAL4J sends the short "device_code"; Entra accepts it as well as the RFC 8628 URN.
                case DEVICE_CODE_GRANT, "device_code" -> deviceCode(r, ref);
                default -> throw EntraErrors.unsupportedGrantType(grantType);
            };
        } catch (EntraException e) {
            return ctx.errorJson(e, r);
        }
    }

    // --- authorization_code --------------------------------------------------------------------

    private Reply authorizationCode(EntraRequest r, TenantRef ref) {
        Client client = clients.authenticate(r, ref, false);
        String value = required(r, "code");
        String redirectUri = required(r, "redirect_uri");
        AuthCode code = ctx.grants.codes.get(value);
        if (code == null) {
            throw EntraErrors.malformedGrant();
        }
        if (code.redeemed) {
            throw EntraErrors.codeAlreadyRedeemed();
        }
        if (AuthorizeEndpoint.codeExpired(code, ctx.now())) {
            throw EntraErrors.codeExpired();
        }
        if (ref.tenant() != null && !ref.tenant().id.equals(code.tenantId)) {
            throw EntraErrors.codeForOtherTenant();
        }
        if (!code.clientId.equals(client.app().clientId)) {
            throw EntraErrors.grantForOtherClient();
        }
        if (client.app().redirectUri(redirectUri) == null) {
            throw EntraErrors.redirectUriMismatch(redirectUri, client.app().clientId);
        }
        if (!redirectUri.equals(code.redirectUri)) {
            throw EntraErrors.replyAddressDiffers(redirectUri, code.redirectUri);
        }
        if (code.codeChallenge != null && !pkceMatches(code, r.formParam("code_verifier"))) {
            throw EntraErrors.pkceMismatch();
        }
        // Entra burns the code at the first redemption that gets this far, even if issuance fails.
        code.redeemed = true;
        EntraUser user = client.tenant().user(code.upn);
        if (user == null) {
            throw EntraErrors.malformedGrant();
        }
        String scopeParam = r.formParam("scope");
        List<String> scopes = scopeParam == null || scopeParam.isBlank() ? code.scopes : ScopePolicy.split(scopeParam);
        return issueForUser(r, client, user, scopes, String.join(" ", scopes), code.authTime, code.mfa, code.nonce);
    }

    static boolean pkceMatches(AuthCode code, String verifier) {
        if (verifier == null) {
            return false;
        }
        if ("plain".equals(code.codeChallengeMethod)) {
            return verifier.equals(code.codeChallenge);
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).equals(code.codeChallenge);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- refresh_token -------------------------------------------------------------------------

    private Reply refreshToken(EntraRequest r, TenantRef ref) {
        Client client = clients.authenticate(r, ref, false);
        String value = required(r, "refresh_token");
        RefreshToken rt = ctx.grants.refreshTokens.get(value);
        if (rt == null) {
            throw EntraErrors.malformedGrant();
        }
        if (!rt.clientId.equals(client.app().clientId)) {
            throw EntraErrors.grantForOtherClient();
        }
        Tenant tenant = ctx.directory.tenant(rt.tenantId);
        if (!ctx.now().isBefore(rt.issued.plus(REFRESH_TOKEN_LIFETIME))) {
            throw EntraErrors.refreshTokenInactive(rt.issued);
        }
        EntraUser user = tenant == null ? null : tenant.user(rt.upn);
        if (user == null) {
            throw EntraErrors.malformedGrant();
        }
        String scopeParam = r.formParam("scope");
        List<String> scopes = ScopePolicy.split(scopeParam);
        if (scopes.isEmpty()) {
            scopes = List.of("openid", "profile", "offline_access");
        }
        if (!scopes.contains("offline_access")) {
            scopes = new ArrayList<>(scopes);
            scopes.add("offline_access");
        }
        return issueForUser(r, client, user, scopes, scopeParam == null ? "" : scopeParam, rt.authTime, rt.mfa, null);
    }

    // --- device_code ---------------------------------------------------------------------------

    Reply deviceAuthorization(EntraRequest r, String tenantSegment) {
        try {
            if (!r.isPost()) {
                throw EntraErrors.onlyPost(r.method());
            }
            Cloud cloud = r.endpoint().cloud();
            TenantRef ref = ctx.tenantRef(tenantSegment, cloud);
            if (r.malformedBody()) {
                throw EntraErrors.malformed();
            }
            AppRegistration app = ctx.app(ref, required(r, "client_id"), cloud);
            Tenant tenant = ctx.tenantOf(app);
            String scopeParam = required(r, "scope");
            List<String> raw = ScopePolicy.split(scopeParam);
            ctx.scopes.delegated(tenant, app, raw);
            DeviceCode d = new DeviceCode();
            d.deviceCode = GrantStore.opaque("DAQABIQEAAAD", 96);
            d.userCode = GrantStore.userCode();
            d.pathTenant = tenantSegment;
            d.tenantId = tenant.id;
            d.clientId = app.clientId;
            d.scopes = raw;
            d.issued = ctx.now();
            d.expires = d.issued.plusSeconds(ctx.deviceCodeLifetime);
            d.interval = ctx.deviceCodeInterval;
            ctx.grants.purge(ctx.now());
            ctx.grants.deviceCodes.put(d.deviceCode, d);
            String uri = r.endpoint().url("/devicelogin");
            ObjectNode body = EntraContext.JSON.createObjectNode();
            body.put("user_code", d.userCode);
            body.put("device_code", d.deviceCode);
            body.put("verification_uri", uri);
            body.put("expires_in", ctx.deviceCodeLifetime);
            body.put("interval", d.interval);
            body.put(
                    "message",
                    "To sign in, use a web browser to open the page " + uri + " and enter the code " + d.userCode
                            + " to authenticate.");
            return Reply.json(200, body.toString());
        } catch (EntraException e) {
            return ctx.errorJson(e, r);
        }
    }

    private Reply deviceCode(EntraRequest r, TenantRef ref) {
        Client client = clients.authenticate(r, ref, false);
        String value = required(r, "device_code");
        DeviceCode d = ctx.grants.deviceCodes.get(value);
        if (d == null || !d.clientId.equals(client.app().clientId)) {
            throw EntraErrors.badVerificationCode();
        }
        Instant now = ctx.now();
        if (!now.isBefore(d.expires)) {
            throw EntraErrors.deviceCodeExpired();
        }
        switch (d.state) {
            case PENDING -> {
                Instant last = d.lastPoll;
                d.lastPoll = now;
                // One second of tolerance: clients sleep `interval` between polls, network time aside.
                if (last != null && now.isBefore(last.plusSeconds(d.interval - 1L))) {
                    throw EntraErrors.slowDown(d.interval);
                }
                throw EntraErrors.authorizationPending();
            }
            case DECLINED -> throw EntraErrors.authorizationDeclined();
            case REDEEMED -> throw EntraErrors.badVerificationCode();
            case APPROVED -> {
                d.state = DeviceState.REDEEMED;
                EntraUser user = client.tenant().user(d.upn);
                if (user == null) {
                    throw EntraErrors.malformedGrant();
                }
                return issueForUser(r, client, user, d.scopes, String.join(" ", d.scopes), d.authTime, d.mfa, null);
            }
            default -> throw new IllegalStateException();
        }
    }

    // --- client_credentials --------------------------------------------------------------------

    private Reply clientCredentials(EntraRequest r, TenantRef ref) {
        if (ref.multi()) {
            throw EntraErrors.grantNotSupportedOverCommon();
        }
        Client client = clients.authenticate(r, ref, true);
        String scopeParam = required(r, "scope");
        // OIDC scopes (MSAL adds them to every request) are ignored for app-only tokens.
        List<String> raw = new ArrayList<>(ScopePolicy.split(scopeParam));
        raw.removeIf(s -> ResourceCatalog.OIDC_SCOPES.contains(s.toLowerCase(java.util.Locale.ROOT)));
        if (raw.isEmpty()) {
            throw EntraErrors.missingParameter("scope");
        }
        for (String s : raw) {
            if (!s.endsWith("/.default")) {
                throw EntraErrors.clientCredentialsNeedDefault(s);
            }
        }
        if (raw.size() != 1) {
            throw EntraErrors.invalidScopeClientCredentials(String.join(" ", raw));
        }
        Tenant tenant = client.tenant();
        AppRegistration app = client.app();
        Scope scope = ctx.directory.catalog(tenant.cloud).parse(raw.get(0));
        if (scope == null || scope.oidc()) {
            throw EntraErrors.resourceNotFound(ResourceCatalog.resourcePart(raw.get(0)), tenant.displayName);
        }
        Resource resource = scope.resource();
        List<String> roles = ScopePolicy.roles(app, resource);
        if (roles.isEmpty() || !app.adminConsented) {
            // Entra would issue a token without roles; the emulator refuses it so the mistake shows.
            throw EntraErrors.appNotAssignedToRole(
                    app.clientId, app.displayName, resource.appId(), resource.displayName());
        }
        Instant now = ctx.now();
        JWTClaimsSet token = ctx.issuer.appAccessClaims(
                r.endpoint(), tenant, app, scope.resourceUri(), roles, client.appidacr(), now, APP_TOKEN_LIFETIME);
        ObjectNode body = EntraContext.JSON.createObjectNode();
        body.put("token_type", "Bearer");
        body.put("expires_in", APP_TOKEN_LIFETIME);
        body.put("ext_expires_in", APP_TOKEN_LIFETIME);
        return Reply.jsonSignedLater(200, body, Map.of("access_token", token), ctx.issuer);
    }

    // --- user tokens ---------------------------------------------------------------------------

    private Reply issueForUser(
            EntraRequest r,
            Client client,
            EntraUser user,
            List<String> rawScopes,
            String scopeText,
            Instant authTime,
            boolean mfa,
            String nonce) {
        Tenant tenant = client.tenant();
        AppRegistration app = client.app();
        if (user.disabled) {
            throw EntraErrors.userDisabled();
        }
        if (authTime.isBefore(user.tokensValidFrom)) {
            throw EntraErrors.grantRevoked(authTime, user.tokensValidFrom);
        }
        List<Scope> scopes = ctx.scopes.delegated(tenant, app, rawScopes);
        Scope target = ScopePolicy.tokenResource(scopes, scopeText);
        Resource resource = target != null
                ? target.resource()
                : ctx.directory.catalog(tenant.cloud).byAppId(Cloud.GRAPH_APP_ID);
        String audience = target != null ? target.resourceUri() : resource.primaryUri();
        if (user.blockedByConditionalAccess) {
            throw EntraErrors.blockedByConditionalAccess();
        }
        if (user.mfaRequired && !mfa) {
            throw EntraErrors.mfaRequired(resource.appId());
        }
        if (!ctx.scopes.missingConsent(app, user, scopes).isEmpty()) {
            throw EntraErrors.consentMissing(app.clientId, app.displayName);
        }
        List<String> scp = ctx.scopes.consentedNames(app, user, resource);
        List<String> oidc = new ArrayList<>();
        for (Scope s : scopes) {
            if (s.oidc() && !oidc.contains(s.name())) {
                oidc.add(s.name());
            }
        }
        if (scp.isEmpty()) {
            scp = oidc.stream().filter(s -> !s.equals("offline_access")).toList();
        }
        Instant now = ctx.now();
        long lifetime = TokenIssuer.userTokenLifetime();
        Map<String, JWTClaimsSet> tokens = new LinkedHashMap<>();
        tokens.put(
                "access_token",
                ctx.issuer.userAccessClaims(
                        r.endpoint(), tenant, app, user, audience, scp, client.appidacr(), mfa, now, lifetime));
        List<String> granted = new ArrayList<>();
        for (String name : ctx.scopes.consentedNames(app, user, resource)) {
            granted.add(audience + "/" + name);
        }
        granted.addAll(oidc);
        ObjectNode body = EntraContext.JSON.createObjectNode();
        body.put("token_type", "Bearer");
        body.put("scope", String.join(" ", granted));
        body.put("expires_in", lifetime);
        body.put("ext_expires_in", lifetime);
        if (oidc.contains("offline_access")) {
            RefreshToken rt = new RefreshToken();
            rt.tenantId = tenant.id;
            rt.clientId = app.clientId;
            rt.upn = user.upn;
            rt.authTime = authTime;
            rt.mfa = mfa;
            rt.issued = now;
            String value = GrantStore.opaque("1.AQ", 160);
            ctx.grants.refreshTokens.put(value, rt);
            body.put("refresh_token", value);
        }
        if (oidc.contains("openid")) {
            tokens.put(
                    "id_token",
                    ctx.issuer.idTokenClaims(
                            r.endpoint(), tenant, app, user, nonce, authTime, oidc.contains("email"), now));
        }
        if ("1".equals(r.formParam("client_info"))) {
            body.put("client_info", TokenIssuer.clientInfo(user, tenant));
        }
        return Reply.jsonSignedLater(200, body, tokens, ctx.issuer);
    }

    private static String required(EntraRequest r, String name) {
        String v = r.formParam(name);
        if (v == null || v.isBlank()) {
            throw EntraErrors.missingParameter(name);
        }
        return v;
    }
}
