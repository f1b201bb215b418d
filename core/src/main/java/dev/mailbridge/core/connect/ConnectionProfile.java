package dev.mailbridge.core.connect;

import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.ConnectionSecrets;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.identity.Pem;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.cloud.CloudProfile;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.credential.ClientCredential;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.http.ProxyConfig;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A stored connection turned into what identity and the transports take: the cloud (with a custom
 * sign-in host when one is set), HTTP settings (proxy, trusted CAs; TLS verified), the app
 * registration with its secret or certificate, and the scopes for the chosen transport.
 */
record ConnectionProfile(
        Connection connection, CloudProfile cloud, HttpSettings http, ConnectionSecrets secrets, Variables vars) {

    static ConnectionProfile of(Connection c, ConnectionSecrets secrets, HttpSettings base, Variables vars) {
        CloudProfile cloud = c.cloud().profile();
        if (c.loginAuthority().isPresent()) {
            cloud = cloud.withAuthorityBase(URI.create(
                    stripSlash(vars.resolve("loginAuthority", c.loginAuthority().get()))));
        }
        HttpSettings.Builder http = base.toBuilder();
        if (c.proxyHost().isPresent() && c.proxyPort().isPresent()) {
            http.proxy(new ProxyConfig(
                    vars.resolve("proxyHost", c.proxyHost().get()),
                    c.proxyPort().get(),
                    vars.resolve("proxyUsername", c.proxyUsername()),
                    secrets.proxyPassword().map(p -> vars.resolve("proxyPassword", p))));
        }
        c.noProxy().ifPresent(n -> http.noProxy(NetworkFields.list(n)));
        c.trustedCaPem().ifPresent(http::trustPem);
        return new ConnectionProfile(c, cloud, http.build(), secrets, vars);
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    AppRegistration app() {
        String tenant = vars.resolve("tenantId", connection.tenantId().orElseThrow(() -> missing("tenant ID")));
        String client = vars.resolve("clientId", connection.clientId().orElseThrow(() -> missing("client ID")));
        ClientCredential credential;
        if (secrets.certificatePem().isEmpty()
                && secrets.clientSecret().isEmpty()
                && connection.signInMode() == dev.mailbridge.core.model.SignInMode.OAUTH_DELEGATED) {
            // A public client ("Allow public client flows"): device code sign-in, refresh without a secret.
            return AppRegistration.publicClient(cloud, tenant, client);
        }
        if (secrets.certificatePem().isPresent()) {
            String pem = vars.resolve("certificatePem", secrets.certificatePem().get())
                    .reveal();
            credential = ClientCredential.certificate(Pem.privateKey(pem, null), Pem.certificates(pem));
        } else {
            Secret secret = secrets.clientSecret().orElseThrow(() -> missing("client secret or certificate"));
            credential = ClientCredential.secret(vars.resolve("clientSecret", secret));
        }
        return AppRegistration.confidential(cloud, tenant, client, credential);
    }

    private static ValidationException missing(String what) {
        return ValidationException.of("connection", "The connection has no " + what + "; edit it and fill it in.");
    }

    /** Delegated scopes: EWS.AccessAsUser.All, or Graph's mail permissions. */
    Set<String> delegatedScopes() {
        return connection.transport() == Transport.EWS ? Set.of(cloud.ewsDelegatedScope()) : graphDelegatedScopes();
    }

    /** Graph's delegated mail permissions, whatever the connection's transport (the switch checks them). */
    Set<String> graphDelegatedScopes() {
        return Set.of(cloud.graphScope("Mail.ReadWrite"), cloud.graphScope("Mail.Send"), cloud.graphScope("User.Read"));
    }

    /** The app-only resource scope ({@code .default}). */
    String appScope() {
        return connection.transport() == Transport.EWS ? cloud.ewsAppScope() : cloud.graphAppScope();
    }

    String graphAppScope() {
        return cloud.graphAppScope();
    }

    /** The supplied EWS URL; Autodiscover is resolved by the caller. */
    Optional<URI> suppliedEwsUrl() {
        return vars.resolve("ewsUrl", connection.ewsUrl()).map(URI::create);
    }

    /** The connection's own Graph root; empty for the cloud's. */
    Optional<String> graphUrl() {
        return vars.resolve("graphUrl", connection.graphUrl());
    }

    /** The basic-auth user name and password, variables resolved. */
    String username() {
        return vars.resolve("username", connection.username().orElse(""));
    }

    Optional<Secret> password() {
        return secrets.password().map(p -> vars.resolve("password", p));
    }

    List<String> approvedHosts() {
        return connection.approvedHosts().map(NetworkFields::list).orElse(List.of());
    }
}
