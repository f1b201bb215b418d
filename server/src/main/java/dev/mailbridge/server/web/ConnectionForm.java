package dev.mailbridge.server.web;

import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.HostMode;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.cloud.Cloud;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.web.multipart.MultipartFile;

/**
 * The connection form as the browser posts it. Secret inputs are write-only: an empty input keeps the
 * stored value, the "remove" box clears it. Never rendered back: the page shows only "set" badges.
 */
public class ConnectionForm {
    private String name = "";
    private Transport transport = Transport.EWS;
    private SignInMode signInMode = SignInMode.OAUTH_DELEGATED;
    private Cloud cloud = Cloud.GLOBAL;
    private HostMode hostMode = HostMode.SUPPLIED;
    private String ewsUrl = "";
    private String graphUrl = "";
    private String approvedHosts = "";
    private String loginAuthority = "";
    private String tenantId = "";
    private String clientId = "";
    private String clientSecret = "";
    private boolean clearClientSecret;
    private String certificatePem = "";
    private MultipartFile certificateFile;
    private boolean clearCertificate;
    private String username = "";
    private String password = "";
    private String proxyHost = "";
    private String proxyPort = "";
    private String proxyUsername = "";
    private String proxyPassword = "";
    private boolean clearProxyPassword;
    private String noProxy = "";
    private String trustedCaPem = "";
    private MultipartFile trustedCaFile;

    /** The non-secret fields of a stored connection, for the edit form. */
    public static ConnectionForm of(Connection c) {
        ConnectionForm f = new ConnectionForm();
        f.name = c.name();
        f.transport = c.transport();
        f.signInMode = c.signInMode();
        f.cloud = c.cloud();
        f.hostMode = c.hostMode();
        f.ewsUrl = c.ewsUrl().orElse("");
        f.graphUrl = c.graphUrl().orElse("");
        f.approvedHosts = c.approvedHosts().orElse("");
        f.loginAuthority = c.loginAuthority().orElse("");
        f.tenantId = c.tenantId().orElse("");
        f.clientId = c.clientId().orElse("");
        f.username = c.username().orElse("");
        f.proxyHost = c.proxyHost().orElse("");
        f.proxyPort = c.proxyPort().map(String::valueOf).orElse("");
        f.proxyUsername = c.proxyUsername().orElse("");
        f.noProxy = c.noProxy().orElse("");
        f.trustedCaPem = c.trustedCaPem().orElse("");
        return f;
    }

    /**
     * What the core validates and stores. A proxy port that is not a number becomes an out-of-range port
     * so the core's validator reports it at the field.
     */
    ConnectionSettings toSettings() {
        ConnectionSettings.Builder b = ConnectionSettings.builder(name, signInMode)
                .transport(transport)
                .cloud(cloud == null ? Cloud.GLOBAL : cloud)
                .hostMode(hostMode == null ? HostMode.SUPPLIED : hostMode)
                .approvedHosts(hostMode == HostMode.AUTODISCOVER ? approvedHosts : null)
                .loginAuthority(loginAuthority)
                .trustedCaPem(firstNonBlank(read(trustedCaFile), trustedCaPem))
                .noProxy(noProxy);
        if (hostMode != HostMode.AUTODISCOVER) {
            b.ewsUrl(ewsUrl).hostMode(HostMode.SUPPLIED);
        }
        b.graphUrl(graphUrl);
        if (signInMode != null && signInMode.oauth()) {
            b.tenantId(tenantId).clientId(clientId);
            b.clientSecret(secret(clientSecret, clearClientSecret));
            b.certificatePem(secret(firstNonBlank(read(certificateFile), certificatePem), clearCertificate));
        } else {
            b.username(username);
            b.password(secret(password, false));
        }
        Integer port = null;
        if (proxyPort != null && !proxyPort.isBlank()) {
            try {
                port = Integer.valueOf(proxyPort.strip());
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        b.proxy(proxyHost, port);
        b.proxyCredentials(proxyUsername, secret(proxyPassword, clearProxyPassword));
        return b.build();
    }

    private static Secret secret(String value, boolean clear) {
        if (clear) {
            return Secret.of("");
        }
        return value == null || value.isEmpty() ? null : Secret.of(value);
    }

    private static String read(MultipartFile file) {
        if (file == null || file.isEmpty()) {
            return null;
        }
        try {
            return new String(file.getBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    /** Secrets are never sent back to the browser. */
    void forgetSecrets() {
        clientSecret = "";
        certificatePem = "";
        password = "";
        proxyPassword = "";
        certificateFile = null;
        trustedCaFile = null;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Transport getTransport() {
        return transport;
    }

    public void setTransport(Transport transport) {
        this.transport = transport;
    }

    public SignInMode getSignInMode() {
        return signInMode;
    }

    public void setSignInMode(SignInMode signInMode) {
        this.signInMode = signInMode;
    }

    public Cloud getCloud() {
        return cloud;
    }

    public void setCloud(Cloud cloud) {
        this.cloud = cloud;
    }

    public HostMode getHostMode() {
        return hostMode;
    }

    public void setHostMode(HostMode hostMode) {
        this.hostMode = hostMode;
    }

    public String getEwsUrl() {
        return ewsUrl;
    }

    public void setEwsUrl(String ewsUrl) {
        this.ewsUrl = ewsUrl;
    }

    public String getGraphUrl() {
        return graphUrl;
    }

    public void setGraphUrl(String graphUrl) {
        this.graphUrl = graphUrl;
    }

    public String getApprovedHosts() {
        return approvedHosts;
    }

    public void setApprovedHosts(String approvedHosts) {
        this.approvedHosts = approvedHosts;
    }

    public String getLoginAuthority() {
        return loginAuthority;
    }

    public void setLoginAuthority(String loginAuthority) {
        this.loginAuthority = loginAuthority;
    }

    public String getTenantId() {
        return tenantId;
    }

    public void setTenantId(String tenantId) {
        this.tenantId = tenantId;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getClientSecret() {
        return clientSecret;
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    public boolean isClearClientSecret() {
        return clearClientSecret;
    }

    public void setClearClientSecret(boolean clearClientSecret) {
        this.clearClientSecret = clearClientSecret;
    }

    public String getCertificatePem() {
        return certificatePem;
    }

    public void setCertificatePem(String certificatePem) {
        this.certificatePem = certificatePem;
    }

    public MultipartFile getCertificateFile() {
        return certificateFile;
    }

    public void setCertificateFile(MultipartFile certificateFile) {
        this.certificateFile = certificateFile;
    }

    public boolean isClearCertificate() {
        return clearCertificate;
    }

    public void setClearCertificate(boolean clearCertificate) {
        this.clearCertificate = clearCertificate;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getProxyHost() {
        return proxyHost;
    }

    public void setProxyHost(String proxyHost) {
        this.proxyHost = proxyHost;
    }

    public String getProxyPort() {
        return proxyPort;
    }

    public void setProxyPort(String proxyPort) {
        this.proxyPort = proxyPort;
    }

    public String getProxyUsername() {
        return proxyUsername;
    }

    public void setProxyUsername(String proxyUsername) {
        this.proxyUsername = proxyUsername;
    }

    public String getProxyPassword() {
        return proxyPassword;
    }

    public void setProxyPassword(String proxyPassword) {
        this.proxyPassword = proxyPassword;
    }

    public boolean isClearProxyPassword() {
        return clearProxyPassword;
    }

    public void setClearProxyPassword(boolean clearProxyPassword) {
        this.clearProxyPassword = clearProxyPassword;
    }

    public String getNoProxy() {
        return noProxy;
    }

    public void setNoProxy(String noProxy) {
        this.noProxy = noProxy;
    }

    public String getTrustedCaPem() {
        return trustedCaPem;
    }

    public void setTrustedCaPem(String trustedCaPem) {
        this.trustedCaPem = trustedCaPem;
    }

    public MultipartFile getTrustedCaFile() {
        return trustedCaFile;
    }

    public void setTrustedCaFile(MultipartFile trustedCaFile) {
        this.trustedCaFile = trustedCaFile;
    }
}
