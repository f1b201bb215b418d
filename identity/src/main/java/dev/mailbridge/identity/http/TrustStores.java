package dev.mailbridge.identity.http;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Builds the SSLContext for a set of extra CAs. Both modes go through one PKIX trust manager over one key
 * store (never a hand-written "trust all" or chained manager), so hostname and chain checks stay the JDK's.
 */
final class TrustStores {
    private TrustStores() {}

    static SSLContext sslContext(List<X509Certificate> extraCas, TrustMode mode) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            if (extraCas.isEmpty()) {
                context.init(null, null, null); // the JDK defaults
                return context;
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            if (mode == TrustMode.ADD_TO_JDK_DEFAULTS) {
                for (X509Certificate ca : jdkDefaults().getAcceptedIssuers()) {
                    store.setCertificateEntry("jdk-" + n++, ca);
                }
            }
            for (X509Certificate ca : extraCas) {
                store.setCertificateEntry("extra-" + n++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot set up TLS trust: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager jdkDefaults() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("The JDK has no X.509 trust manager");
    }
}
