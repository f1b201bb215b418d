package dev.mailbridge.emulator.entra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The token-signing key, published at the keys endpoints with its certificate like Entra's keys.
 * Kept in the state folder so tokens stay verifiable across restarts.
 */
final class SigningKeys {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final String kid;

    private SigningKeys(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.kid = Pem.sha1Base64Url(certificate);
    }

    static SigningKeys loadOrCreate(Path dir, Instant now) throws IOException {
        Path keyFile = dir.resolve("signing-key.pem");
        Path certFile = dir.resolve("signing-cert.pem");
        if (Files.exists(keyFile) && Files.exists(certFile)) {
            return new SigningKeys(Pem.readPrivateKey(keyFile), Pem.readCertificate(certFile));
        }
        KeyPair keys = Pem.newRsaKeyPair();
        X509Certificate cert = Pem.selfSigned(
                "accounts.accesscontrol.windows.net (Mailbridge emulator)",
                keys,
                now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(3650)));
        Pem.write(keyFile, keys.getPrivate());
        Pem.write(certFile, cert);
        return new SigningKeys(keys.getPrivate(), cert);
    }

    String kid() {
        return kid;
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** Signs claims as Entra does: RS256, typ JWT, kid and x5t both the certificate's SHA-1 thumbprint. */
    @SuppressWarnings("deprecation")
    String sign(JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(JOSEObjectType.JWT)
                .keyID(kid)
                .x509CertThumbprint(new Base64URL(kid))
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new RSASSASigner(privateKey));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a token", e);
        }
        return jwt.serialize();
    }

    /** The JWKS document; {@code issuer} is the v2 issuer template with "{tenantid}", as Entra writes it. */
    ObjectNode jwks(String issuer) {
        RSAPublicKey pub = (RSAPublicKey) certificate.getPublicKey();
        ObjectNode doc = JSON.createObjectNode();
        ArrayNode keys = doc.putArray("keys");
        ObjectNode key = keys.addObject();
        key.put("kty", "RSA");
        key.put("use", "sig");
        key.put("kid", kid);
        key.put("x5t", kid);
        key.put("n", Base64URL.encode(unsigned(pub.getModulus().toByteArray())).toString());
        key.put(
                "e",
                Base64URL.encode(unsigned(pub.getPublicExponent().toByteArray()))
                        .toString());
        try {
            key.putArray("x5c").add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        if (issuer != null) {
            key.put("issuer", issuer);
        }
        return doc;
    }

    private static byte[] unsigned(byte[] bytes) {
        if (bytes.length > 1 && bytes[0] == 0) {
            byte[] trimmed = new byte[bytes.length - 1];
            System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
            return trimmed;
        }
        return bytes;
    }
}
