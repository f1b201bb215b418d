package dev.mailbridge.emulator.entra;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An app registration with its service principal in the same tenant (the emulator does not model
 * multi-tenant apps): credentials, redirect URIs, the permissions it declares and whether an admin
 * consented to them for the whole tenant.
 */
public final class AppRegistration {
    /** A client secret: Entra shows the id in the portal; clients must send the value. */
    public record ClientSecret(String id, String value, Instant expires, String displayName) {}

    /** A registered redirect URI; type is web, spa or publicClient (mobile and desktop). */
    public record RedirectUri(String uri, String type) {}

    /** A registered certificate; the private key and PEM paths are known when the emulator made it. */
    public record AppCertificate(
            X509Certificate certificate, PrivateKey privateKey, Path certificatePem, Path privateKeyPem) {
        public String thumbprintSha1() {
            return Pem.sha1Base64Url(certificate);
        }

        public String thumbprintSha256() {
            return Pem.sha256Base64Url(certificate);
        }
    }

    final String clientId;
    String displayName;
    final String servicePrincipalId;
    boolean publicClient;
    boolean adminConsented;
    final List<ClientSecret> secrets = new ArrayList<>();
    final List<AppCertificate> certificates = new ArrayList<>();
    final List<RedirectUri> redirectUris = new ArrayList<>();
    /** As configured (full scope strings), for describe. */
    final List<String> delegated = new ArrayList<>();

    final List<String> application = new ArrayList<>();
    /** Consent keys (resource app id/permission, lower case) of the declared permissions. */
    final Set<String> delegatedKeys = new LinkedHashSet<>();

    final Set<String> applicationKeys = new LinkedHashSet<>();

    AppRegistration(String clientId, String displayName, String servicePrincipalId) {
        this.clientId = clientId;
        this.displayName = displayName;
        this.servicePrincipalId = servicePrincipalId;
    }

    public String clientId() {
        return clientId;
    }

    public String displayName() {
        return displayName;
    }

    /** Object id of the app's service principal: the oid of its app-only tokens. */
    public String servicePrincipalId() {
        return servicePrincipalId;
    }

    public boolean publicClient() {
        return publicClient;
    }

    public boolean adminConsented() {
        return adminConsented;
    }

    public List<ClientSecret> secrets() {
        return List.copyOf(secrets);
    }

    public List<AppCertificate> certificates() {
        return List.copyOf(certificates);
    }

    public List<RedirectUri> redirectUris() {
        return List.copyOf(redirectUris);
    }

    public List<String> delegated() {
        return List.copyOf(delegated);
    }

    public List<String> application() {
        return List.copyOf(application);
    }

    RedirectUri redirectUri(String uri) {
        for (RedirectUri r : redirectUris) {
            if (r.uri().equals(uri)) {
                return r;
            }
        }
        // Entra ignores the port of an http localhost redirect URI (RFC 8252 7.3, 8.3): a desktop app
        // registers http://localhost and listens on whichever free port it gets.
        String loopback = withoutLoopbackPort(uri);
        if (loopback != null) {
            for (RedirectUri r : redirectUris) {
                if (loopback.equals(withoutLoopbackPort(r.uri()))) {
                    return r;
                }
            }
        }
        return null;
    }

    /** {@code http://localhost[:port][/path]} as {@code http://localhost/path}; null for other URIs. */
    private static String withoutLoopbackPort(String uri) {
        java.net.URI u;
        try {
            u = new java.net.URI(uri);
        } catch (java.net.URISyntaxException | NullPointerException e) {
            return null;
        }
        if (!"http".equals(u.getScheme())
                || !("localhost".equals(u.getHost()) || "127.0.0.1".equals(u.getHost()))
                || u.getRawQuery() != null
                || u.getRawFragment() != null) {
            return null;
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return "http://" + u.getHost() + path;
    }
}
