package dev.mailbridge.core.model;

import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.cloud.Cloud;
import java.util.Optional;

/**
 * What a person enters for a connection. Secrets are write-only: {@code Optional.empty()} keeps the
 * stored one, a present empty {@link Secret} clears it.
 */
public record ConnectionSettings(
        String name,
        Transport transport,
        SignInMode signInMode,
        Cloud cloud,
        HostMode hostMode,
        Optional<String> ewsUrl,
        Optional<String> graphUrl,
        Optional<String> approvedHosts,
        Optional<String> loginAuthority,
        Optional<String> tenantId,
        Optional<String> clientId,
        Optional<Secret> clientSecret,
        Optional<Secret> certificatePem,
        Optional<String> username,
        Optional<Secret> password,
        Optional<String> proxyHost,
        Optional<Integer> proxyPort,
        Optional<String> proxyUsername,
        Optional<Secret> proxyPassword,
        Optional<String> noProxy,
        Optional<String> trustedCaPem) {

    public static Builder builder(String name, SignInMode mode) {
        return new Builder(name, mode);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name, signInMode);
        b.transport = transport;
        b.cloud = cloud;
        b.hostMode = hostMode;
        b.ewsUrl = ewsUrl;
        b.graphUrl = graphUrl;
        b.approvedHosts = approvedHosts;
        b.loginAuthority = loginAuthority;
        b.tenantId = tenantId;
        b.clientId = clientId;
        b.clientSecret = clientSecret;
        b.certificatePem = certificatePem;
        b.username = username;
        b.password = password;
        b.proxyHost = proxyHost;
        b.proxyPort = proxyPort;
        b.proxyUsername = proxyUsername;
        b.proxyPassword = proxyPassword;
        b.noProxy = noProxy;
        b.trustedCaPem = trustedCaPem;
        return b;
    }

    /** Fluent construction for code and tests; blank strings count as absent. */
    public static final class Builder {
        private String name;
        private SignInMode signInMode;
        private Transport transport = Transport.EWS;
        private Cloud cloud = Cloud.GLOBAL;
        private HostMode hostMode = HostMode.SUPPLIED;
        private Optional<String> ewsUrl = Optional.empty();
        private Optional<String> graphUrl = Optional.empty();
        private Optional<String> approvedHosts = Optional.empty();
        private Optional<String> loginAuthority = Optional.empty();
        private Optional<String> tenantId = Optional.empty();
        private Optional<String> clientId = Optional.empty();
        private Optional<Secret> clientSecret = Optional.empty();
        private Optional<Secret> certificatePem = Optional.empty();
        private Optional<String> username = Optional.empty();
        private Optional<Secret> password = Optional.empty();
        private Optional<String> proxyHost = Optional.empty();
        private Optional<Integer> proxyPort = Optional.empty();
        private Optional<String> proxyUsername = Optional.empty();
        private Optional<Secret> proxyPassword = Optional.empty();
        private Optional<String> noProxy = Optional.empty();
        private Optional<String> trustedCaPem = Optional.empty();

        private Builder(String name, SignInMode mode) {
            this.name = name;
            this.signInMode = mode;
        }

        private static Optional<String> text(String s) {
            return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
        }

        public Builder name(String v) {
            name = v;
            return this;
        }

        public Builder signInMode(SignInMode v) {
            signInMode = v;
            return this;
        }

        public Builder transport(Transport v) {
            transport = v;
            return this;
        }

        public Builder cloud(Cloud v) {
            cloud = v;
            return this;
        }

        public Builder autodiscover(String approvedHostList) {
            hostMode = HostMode.AUTODISCOVER;
            ewsUrl = Optional.empty();
            approvedHosts = text(approvedHostList);
            return this;
        }

        public Builder ewsUrl(String v) {
            hostMode = HostMode.SUPPLIED;
            ewsUrl = text(v);
            return this;
        }

        /** The Microsoft Graph root, e.g. {@code https://graph.microsoft.com/v1.0}; blank for the cloud's own. */
        public Builder graphUrl(String v) {
            graphUrl = text(v);
            return this;
        }

        public Builder hostMode(HostMode v) {
            hostMode = v;
            return this;
        }

        public Builder approvedHosts(String v) {
            approvedHosts = text(v);
            return this;
        }

        public Builder loginAuthority(String v) {
            loginAuthority = text(v);
            return this;
        }

        public Builder tenantId(String v) {
            tenantId = text(v);
            return this;
        }

        public Builder clientId(String v) {
            clientId = text(v);
            return this;
        }

        public Builder clientSecret(Secret v) {
            clientSecret = Optional.ofNullable(v);
            return this;
        }

        public Builder certificatePem(Secret v) {
            certificatePem = Optional.ofNullable(v);
            return this;
        }

        public Builder username(String v) {
            username = text(v);
            return this;
        }

        public Builder password(Secret v) {
            password = Optional.ofNullable(v);
            return this;
        }

        public Builder proxy(String host, Integer port) {
            proxyHost = text(host);
            proxyPort = Optional.ofNullable(port);
            return this;
        }

        public Builder proxyCredentials(String user, Secret pw) {
            proxyUsername = text(user);
            proxyPassword = Optional.ofNullable(pw);
            return this;
        }

        public Builder noProxy(String v) {
            noProxy = text(v);
            return this;
        }

        public Builder trustedCaPem(String v) {
            trustedCaPem = text(v);
            return this;
        }

        public ConnectionSettings build() {
            return new ConnectionSettings(
                    name == null ? "" : name.strip(),
                    transport,
                    signInMode,
                    cloud,
                    hostMode,
                    ewsUrl,
                    graphUrl,
                    approvedHosts,
                    loginAuthority,
                    tenantId,
                    clientId,
                    clientSecret,
                    certificatePem,
                    username,
                    password,
                    proxyHost,
                    proxyPort,
                    proxyUsername,
                    proxyPassword,
                    noProxy,
                    trustedCaPem);
        }
    }
}
