package dev.mailbridge.identity.credential;

import dev.mailbridge.identity.Pem;
import dev.mailbridge.identity.Secret;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** How a confidential app proves itself to Entra ID: a client secret or a certificate. */
public sealed interface ClientCredential permits ClientCredential.ClientSecret, ClientCredential.ClientCertificate {

    static ClientSecret secret(Secret value) {
        return new ClientSecret(value);
    }

    static ClientCertificate certificate(PrivateKey key, List<X509Certificate> chain) {
        return new ClientCertificate(key, chain);
    }

    /**
     * A certificate credential from PEM files: the private key (PKCS#8 or PKCS#1; {@code keyPassword} only
     * for an encrypted key, else null) and the certificate chain, leaf first. Both may be the same file.
     */
    static ClientCertificate certificateFromPem(Path privateKeyPem, char[] keyPassword, Path certificateChainPem)
            throws IOException {
        return new ClientCertificate(Pem.privateKey(privateKeyPem, keyPassword), Pem.certificates(certificateChainPem));
    }

    /** The secret's value (not its ID: Entra shows both, and the ID gives AADSTS7000215). */
    record ClientSecret(Secret value) implements ClientCredential {
        public ClientSecret {
            Objects.requireNonNull(value, "value");
        }
    }

    /** MSAL signs a fresh client assertion with {@code key} for every token request. */
    record ClientCertificate(PrivateKey key, List<X509Certificate> chain) implements ClientCredential {
        public ClientCertificate {
            Objects.requireNonNull(key, "key");
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("The certificate chain is empty");
            }
        }

        public X509Certificate leaf() {
            return chain.getFirst();
        }

        @Override
        public String toString() {
            return "ClientCertificate[" + leaf().getSubjectX500Principal().getName() + ", expires "
                    + leaf().getNotAfter().toInstant() + "]";
        }
    }
}
