package dev.mailbridge.emulator.entra;

import dev.mailbridge.emulator.Cloud;
import dev.mailbridge.emulator.entra.EntraContext.TenantRef;
import dev.mailbridge.emulator.entra.GrantStore.DeviceCode;
import dev.mailbridge.emulator.entra.GrantStore.DeviceState;
import dev.mailbridge.emulator.entra.GrantStore.Flow;
import dev.mailbridge.emulator.entra.GrantStore.FlowKind;
import dev.mailbridge.emulator.entra.GrantStore.Session;
import dev.mailbridge.emulator.entra.GrantStore.Stage;
import dev.mailbridge.emulator.entra.ResourceCatalog.Resource;
import dev.mailbridge.emulator.entra.ResourceCatalog.Scope;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The interactive side: /authorize, the sign-in, MFA and consent pages behind it, admin consent,
 * logout and the device-code verification page. Errors before the redirect URI is known to be
 * registered are shown as a page; after that they go back to the app, as Entra does.
 */
final class AuthorizeEndpoint {
    static final String MFA_CODE = "123456";
    private static final int CODE_LIFETIME_SECONDS = 600;

    private final EntraContext ctx;

    AuthorizeEndpoint(EntraContext ctx) {
        this.ctx = ctx;
    }

    // --- /authorize --------------------------------------------------------------------------------

    Reply authorize(EntraRequest r, String tenantSegment) {
        Cloud cloud = r.endpoint().cloud();
        AppRegistration app;
        String redirectUri;
        try {
            TenantRef ref = ctx.tenantRef(tenantSegment, cloud);
            String clientId = required(r, "client_id");
            app = ctx.app(ref, clientId, cloud);
            redirectUri = required(r, "redirect_uri");
            if (app.redirectUri(redirectUri) == null) {
                throw EntraErrors.redirectUriMismatch(redirectUri, app.clientId);
            }
        } catch (EntraException e) {
            return ctx.errorPage(e, r);
        }
        String mode = r.param("response_mode");
        if (mode == null || !List.of("query", "fragment", "form_post").contains(mode)) {
            mode = "query";
        }
        String state = r.param("state");
        try {
            String responseType = required(r, "response_type");
            if (!responseType.trim().equals("code")) {
                throw EntraErrors.unsupportedResponseType(responseType);
            }
            String scopeParam = required(r, "scope");
            Tenant tenant = ctx.tenantOf(app);
            List<String> raw = ScopePolicy.split(scopeParam);
            ctx.scopes.delegated(tenant, app, raw);
            String challenge = r.param("code_challenge");
            String method = r.param("code_challenge_method");
            if (challenge != null) {
                method = method == null ? "plain" : method;
                if (!method.equals("S256") && !method.equals("plain")) {
                    throw EntraErrors.invalidCodeChallengeMethod();
                }
            }
            Flow flow = newFlow(FlowKind.AUTHORIZE, tenantSegment, tenant, app);
            flow.redirectUri = redirectUri;
            flow.responseMode = mode;
            flow.state = state;
            flow.nonce = r.param("nonce");
            flow.scopes = raw;
            flow.scopeParam = scopeParam;
            flow.codeChallenge = challenge;
            flow.codeChallengeMethod = challenge == null ? null : method;
            flow.prompt = r.param("prompt");
            flow.loginHint = r.param("login_hint");
            return proceed(flow, r);
        } catch (EntraException e) {
            return errorToApp(e, r, redirectUri, mode, state);
        }
    }

    // --- admin consent -------------------------------------------------------------------------

    Reply adminConsent(EntraRequest r, String tenantSegment, boolean v2) {
        Cloud cloud = r.endpoint().cloud();
        try {
            TenantRef ref = ctx.tenantRef(tenantSegment, cloud);
            AppRegistration app = ctx.app(ref, required(r, "client_id"), cloud);
            String redirectUri = r.param("redirect_uri");
            if (redirectUri == null && !app.redirectUris.isEmpty()) {
                redirectUri = app.redirectUris.get(0).uri();
            }
            if (redirectUri == null || app.redirectUri(redirectUri) == null) {
                throw EntraErrors.redirectUriMismatch(String.valueOf(redirectUri), app.clientId);
            }
            Flow flow = newFlow(
                    v2 ? FlowKind.ADMIN_CONSENT : FlowKind.ADMIN_CONSENT_V1, tenantSegment, ctx.tenantOf(app), app);
            flow.redirectUri = redirectUri;
            flow.responseMode = "query";
            flow.state = r.param("state");
            flow.scopeParam = r.param("scope");
            flow.prompt = r.param("prompt");
            try {
                return proceed(flow, r);
            } catch (EntraException e) {
                return deliverError(flow, e, r);
            }
        } catch (EntraException e) {
            return ctx.errorPage(e, r);
        }
    }

    // --- logout --------------------------------------------------------------------------------

    Reply logout(EntraRequest r) {
        String id = r.cookies().get(EntraContext.SESSION_COOKIE);
        if (id != null) {
            ctx.grants.sessions.remove(id);
        }
        String target = r.param("post_logout_redirect_uri");
        Reply reply = null;
        if (target != null && registeredAnywhere(target, r.endpoint().cloud())) {
            String state = r.param("state");
            reply = Reply.redirect(state == null ? target : appendQuery(target, Map.of("state", state), '?'));
        }
        if (reply == null) {
            reply = Reply.html(
                    200,
                    Pages.message("You signed out of your account", "It's a good idea to close all browser windows."));
        }
        return reply.cookie(ctx.sessionCookie("", true));
    }

    private boolean registeredAnywhere(String uri, Cloud cloud) {
        for (Tenant t : ctx.directory.entraTenants(cloud)) {
            for (AppRegistration a : t.apps.values()) {
                if (a.redirectUri(uri) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    // --- device-code verification page ---------------------------------------------------------

    Reply deviceLoginPage(EntraRequest r) {
        return Reply.html(200, Pages.deviceEntry("/devicelogin", null));
    }

    Reply deviceLoginSubmit(EntraRequest r) {
        String otc = r.formParam("otc");
        DeviceCode device = otc == null ? null : ctx.grants.deviceByUserCode(otc);
        if (device == null || device.state != DeviceState.PENDING || !device.expires.isAfter(ctx.now())) {
            return Reply.html(
                    200, Pages.deviceEntry("/devicelogin", "That code didn't work. Check the code and try again."));
        }
        Tenant tenant = ctx.directory.tenant(device.tenantId);
        AppRegistration app = tenant.app(device.clientId);
        Flow flow = newFlow(FlowKind.DEVICE, device.pathTenant, tenant, app);
        flow.deviceCode = device.deviceCode;
        flow.scopes = device.scopes;
        flow.prompt = "login";
        return proceed(flow, r);
    }

    // --- the pages' form posts -------------------------------------------------------------------

    Reply submit(EntraRequest r) {
        Flow flow = ctx.grants.flows.get(String.valueOf(r.formParam("flow")));
        if (flow == null) {
            return ctx.errorPage(
                    new EntraException(
                            400, "invalid_request", 50089, "Authentication failed due to flow token expired.", null),
                    r);
        }
        try {
            return switch (flow.stage) {
                case SIGN_IN -> signIn(flow, r);
                case MFA -> mfa(flow, r);
                case CONSENT -> consent(flow, r);
            };
        } catch (EntraException e) {
            return deliverError(flow, e, r);
        }
    }

    private Reply signIn(Flow flow, EntraRequest r) {
        Tenant tenant = ctx.directory.tenant(flow.tenantId);
        AppRegistration app = tenant.app(flow.clientId);
        String login = r.formParam("login");
        String password = r.formParam("passwd");
        EntraUser user = login == null ? null : tenant.user(login.trim());
        if (user == null) {
            return signInPage(
                    flow, login, EntraErrors.userNotFound(tenant.displayName).aadsts());
        }
        if (user.password == null || !user.password.equals(password)) {
            return signInPage(
                    flow,
                    login,
                    "Your account or password is incorrect. "
                            + EntraErrors.invalidCredentials().aadsts());
        }
        if (user.disabled) {
            ctx.grants.flows.remove(flow.id);
            return ctx.errorPage(EntraErrors.userDisabled(), r);
        }
        flow.upn = user.upn;
        flow.authTime = ctx.now();
        flow.mfa = false;
        Session session = new Session();
        session.id = GrantStore.opaque("", 32);
        session.tenantId = tenant.id;
        session.upn = user.upn;
        session.authTime = flow.authTime;
        ctx.grants.sessions.put(session.id, session);
        return afterAuthentication(flow, r, app).cookie(ctx.sessionCookie(session.id, false));
    }

    private Reply mfa(Flow flow, EntraRequest r) {
        if (!MFA_CODE.equals(r.formParam("mfaCode"))) {
            return Reply.html(200, Pages.mfa(action(flow), flow.id, flow.upn, "That code didn't work. Try again."));
        }
        flow.mfa = true;
        Session session = ctx.grants.sessions.get(r.cookies().get(EntraContext.SESSION_COOKIE));
        if (session != null && session.upn.equals(flow.upn)) {
            session.mfa = true;
        }
        Tenant tenant = ctx.directory.tenant(flow.tenantId);
        return afterAuthentication(flow, r, tenant.app(flow.clientId));
    }

    private Reply consent(Flow flow, EntraRequest r) {
        Tenant tenant = ctx.directory.tenant(flow.tenantId);
        AppRegistration app = tenant.app(flow.clientId);
        EntraUser user = tenant.user(flow.upn);
        if (app == null || user == null) {
            throw EntraErrors.malformed();
        }
        boolean accepted = "yes".equalsIgnoreCase(r.formParam("accept"));
        ctx.grants.flows.remove(flow.id);
        switch (flow.kind) {
            case AUTHORIZE -> {
                if (!accepted) {
                    throw EntraErrors.userDeclinedConsent();
                }
                List<Scope> scopes = ctx.scopes.delegated(tenant, app, flow.scopes);
                user.consentsFor(app.clientId).addAll(ScopePolicy.requestedKeys(app, scopes));
                return issueCode(flow, r);
            }
            case ADMIN_CONSENT, ADMIN_CONSENT_V1 -> {
                if (!accepted) {
                    throw EntraErrors.adminDeclinedConsent();
                }
                app.adminConsented = true;
                Map<String, String> params = new LinkedHashMap<>();
                params.put("admin_consent", "True");
                params.put("tenant", tenant.id);
                if (flow.kind == FlowKind.ADMIN_CONSENT && flow.scopeParam != null) {
                    params.put("scope", flow.scopeParam);
                }
                if (flow.state != null) {
                    params.put("state", flow.state);
                }
                return deliver(flow.redirectUri, flow.responseMode, params);
            }
            case DEVICE -> {
                DeviceCode device = ctx.grants.deviceCodes.get(flow.deviceCode);
                if (device == null || device.state != DeviceState.PENDING) {
                    return Reply.html(
                            200, Pages.message("Sign in", "That code didn't work. Check the code and try again."));
                }
                if (!accepted) {
                    device.state = DeviceState.DECLINED;
                    return Reply.html(
                            200, Pages.message("Sign in cancelled", "You cancelled the sign-in on the other device."));
                }
                List<Scope> scopes = ctx.scopes.delegated(tenant, app, flow.scopes);
                user.consentsFor(app.clientId).addAll(ScopePolicy.requestedKeys(app, scopes));
                device.state = DeviceState.APPROVED;
                device.upn = user.upn;
                device.authTime = flow.authTime;
                device.mfa = flow.mfa;
                return Reply.html(
                        200,
                        Pages.message(
                                app.displayName,
                                "You have signed in to the " + app.displayName
                                        + " application on your device. You may now close this window."));
            }
            default -> throw new IllegalStateException();
        }
    }

    // --- flow steps ----------------------------------------------------------------------------

    private Flow newFlow(FlowKind kind, String pathTenant, Tenant tenant, AppRegistration app) {
        Flow flow = new Flow();
        flow.id = GrantStore.opaque("", 24);
        flow.kind = kind;
        flow.pathTenant = pathTenant;
        flow.tenantId = tenant.id;
        flow.clientId = app.clientId;
        flow.created = ctx.now();
        ctx.grants.purge(ctx.now());
        ctx.grants.flows.put(flow.id, flow);
        return flow;
    }

    /** Uses the browser session unless the prompt forbids it; otherwise shows the sign-in page. */
    private Reply proceed(Flow flow, EntraRequest r) {
        Session session = ctx.session(r);
        if (session != null && !session.tenantId.equals(flow.tenantId)) {
            session = null;
        }
        Tenant tenant = ctx.directory.tenant(flow.tenantId);
        AppRegistration app = tenant.app(flow.clientId);
        if ("none".equals(flow.prompt)) {
            ctx.grants.flows.remove(flow.id);
            if (session == null) {
                throw EntraErrors.loginRequired();
            }
            EntraUser user = tenant.user(session.upn);
            if (user.blockedByConditionalAccess) {
                throw new EntraException(
                        400,
                        "interaction_required",
                        53003,
                        EntraErrors.blockedByConditionalAccess().getMessage(),
                        null);
            }
            if (user.mfaRequired && !session.mfa) {
                throw new EntraException(
                        400,
                        "interaction_required",
                        50076,
                        EntraErrors.mfaRequired(Cloud.GRAPH_APP_ID).getMessage(),
                        null);
            }
            flow.upn = session.upn;
            flow.authTime = session.authTime;
            flow.mfa = session.mfa;
            if (flow.kind == FlowKind.AUTHORIZE) {
                List<Scope> scopes = ctx.scopes.delegated(tenant, app, flow.scopes);
                if (!ctx.scopes.missingConsent(app, user, scopes).isEmpty()) {
                    throw EntraErrors.consentRequiredInteractive(app.clientId, app.displayName);
                }
                return issueCode(flow, r);
            }
            throw EntraErrors.loginRequired();
        }
        if (session != null && !"login".equals(flow.prompt) && !"select_account".equals(flow.prompt)) {
            flow.upn = session.upn;
            flow.authTime = session.authTime;
            flow.mfa = session.mfa;
            return afterAuthentication(flow, r, app);
        }
        String prefill = flow.loginHint != null ? flow.loginHint : session != null ? session.upn : null;
        return signInPage(flow, prefill, null);
    }

    private Reply afterAuthentication(Flow flow, EntraRequest r, AppRegistration app) {
        Tenant tenant = ctx.directory.tenant(flow.tenantId);
        EntraUser user = tenant.user(flow.upn);
        if (user.blockedByConditionalAccess) {
            ctx.grants.flows.remove(flow.id);
            return ctx.errorPage(EntraErrors.blockedByConditionalAccess(), r);
        }
        if (user.mfaRequired && !flow.mfa) {
            flow.stage = Stage.MFA;
            return Reply.html(200, Pages.mfa(action(flow), flow.id, user.upn, null));
        }
        switch (flow.kind) {
            case AUTHORIZE -> {
                List<Scope> scopes = ctx.scopes.delegated(tenant, app, flow.scopes);
                Set<String> missing = ctx.scopes.missingConsent(app, user, scopes);
                if (missing.isEmpty() && !"consent".equals(flow.prompt)) {
                    ctx.grants.flows.remove(flow.id);
                    return issueCode(flow, r);
                }
                return delegatedConsentPage(flow, tenant, app, user, scopes);
            }
            case ADMIN_CONSENT, ADMIN_CONSENT_V1 -> {
                if (!user.admin) {
                    ctx.grants.flows.remove(flow.id);
                    throw EntraErrors.adminConsentNeedsAdmin(tenant.displayName, app.displayName);
                }
                flow.stage = Stage.CONSENT;
                List<String> all = new ArrayList<>(describe(tenant, app.delegatedKeys));
                for (String role : describe(tenant, app.applicationKeys)) {
                    all.add(role + " (application)");
                }
                return Reply.html(200, Pages.consent(action(flow), flow.id, app.displayName, user.upn, all, true));
            }
            case DEVICE -> {
                return delegatedConsentPage(flow, tenant, app, user, ctx.scopes.delegated(tenant, app, flow.scopes));
            }
            default -> throw new IllegalStateException();
        }
    }

    /** The consent page for a user's own sign-in (browser or device code): the delegated scopes asked for. */
    private Reply delegatedConsentPage(
            Flow flow, Tenant tenant, AppRegistration app, EntraUser user, List<Scope> scopes) {
        flow.stage = Stage.CONSENT;
        return Reply.html(
                200,
                Pages.consent(
                        action(flow),
                        flow.id,
                        app.displayName,
                        user.upn,
                        describe(tenant, ScopePolicy.requestedKeys(app, scopes)),
                        false));
    }

    private Reply issueCode(Flow flow, EntraRequest r) {
        GrantStore.AuthCode code = new GrantStore.AuthCode();
        code.tenantId = flow.tenantId;
        code.clientId = flow.clientId;
        code.upn = flow.upn;
        code.scopes = flow.scopes;
        code.redirectUri = flow.redirectUri;
        code.codeChallenge = flow.codeChallenge;
        code.codeChallengeMethod = flow.codeChallengeMethod;
        code.nonce = flow.nonce;
        code.authTime = flow.authTime;
        code.mfa = flow.mfa;
        code.issued = ctx.now();
        String value = GrantStore.opaque("1.AQ", 64);
        ctx.grants.codes.put(value, code);
        ctx.grants.flows.remove(flow.id);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("code", value);
        if (flow.state != null) {
            params.put("state", flow.state);
        }
        params.put(
                "session_state",
                UUID.nameUUIDFromBytes(flow.upn.getBytes(StandardCharsets.UTF_8))
                        .toString());
        return deliver(flow.redirectUri, flow.responseMode, params);
    }

    static boolean codeExpired(GrantStore.AuthCode code, java.time.Instant now) {
        return code.issued.plusSeconds(CODE_LIFETIME_SECONDS).isBefore(now);
    }

    private Reply signInPage(Flow flow, String login, String error) {
        flow.stage = Stage.SIGN_IN;
        Tenant tenant = ctx.directory.tenant(flow.tenantId);
        AppRegistration app = tenant.app(flow.clientId);
        return Reply.html(200, Pages.signIn(action(flow), flow.id, app.displayName, tenant.displayName, login, error));
    }

    private static String action(Flow flow) {
        return "/" + URLEncoder.encode(flow.pathTenant, StandardCharsets.UTF_8) + "/login";
    }

    private Collection<String> describe(Tenant tenant, Collection<String> keys) {
        ResourceCatalog catalog = ctx.directory.catalog(tenant.cloud);
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            int slash = key.indexOf('/');
            Resource resource = catalog.byAppId(key.substring(0, slash));
            String name = key.substring(slash + 1);
            String proper =
                    resource.delegatedName(name) != null ? resource.delegatedName(name) : resource.roleName(name);
            out.add(resource.displayName() + ": " + (proper != null ? proper : name));
        }
        return out;
    }

    // --- results to the app --------------------------------------------------------------------

    private Reply deliverError(Flow flow, EntraException e, EntraRequest r) {
        ctx.grants.flows.remove(flow.id);
        if (flow.kind == FlowKind.DEVICE || flow.redirectUri == null) {
            return ctx.errorPage(e, r);
        }
        if (flow.kind == FlowKind.ADMIN_CONSENT_V1 && e.code() == 65004) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("error", "permission_denied");
            params.put("error_description", "The admin canceled the request");
            if (flow.state != null) {
                params.put("state", flow.state);
            }
            return deliver(flow.redirectUri, flow.responseMode, params);
        }
        return errorToApp(e, r, flow.redirectUri, flow.responseMode, flow.state);
    }

    private Reply errorToApp(EntraException e, EntraRequest r, String redirectUri, String mode, String state) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("error", e.error());
        params.put("error_description", ctx.description(e, r));
        params.put("error_uri", ctx.errorUri(e, r));
        if (e.suberror() != null) {
            params.put("suberror", e.suberror());
        }
        if (state != null) {
            params.put("state", state);
        }
        return deliver(redirectUri, mode, params);
    }

    private static Reply deliver(String redirectUri, String mode, Map<String, String> params) {
        if ("form_post".equals(mode)) {
            return Reply.html(200, Pages.formPost(redirectUri, params));
        }
        if ("fragment".equals(mode)) {
            return Reply.redirect(appendQuery(redirectUri, params, '#'));
        }
        return Reply.redirect(appendQuery(redirectUri, params, redirectUri.contains("?") ? '&' : '?'));
    }

    private static String appendQuery(String uri, Map<String, String> params, char separator) {
        StringBuilder b = new StringBuilder(uri);
        char sep = separator;
        for (Map.Entry<String, String> p : params.entrySet()) {
            b.append(sep)
                    .append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return b.toString();
    }

    private static String required(EntraRequest r, String name) {
        String v = r.param(name);
        if (v == null || v.isBlank()) {
            throw EntraErrors.missingParameter(name);
        }
        return v;
    }
}
