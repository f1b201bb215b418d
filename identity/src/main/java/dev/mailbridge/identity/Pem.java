package dev.mailbridge.identity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads PEM files: CA bundles, certificate chains and private keys (PKCS#8, PKCS#8 encrypted, PKCS#1 RSA).
 * Blocks are cut out one by one, so comments between them (as in most CA bundles) do no harm.
 */
public final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private Pem() {}

    /** All certificates in the text, in order (leaf first for a chain). */
    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(pem)) {
                if (block.type().equals("CERTIFICATE") || block.type().equals("TRUSTED CERTIFICATE")) {
                    certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("A certificate in the PEM text cannot be read: " + e.getMessage(), e);
        }
        return List.copyOf(certs);
    }

    public static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> certs = certificates(Files.readString(file, StandardCharsets.US_ASCII));
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("No certificate found in " + file);
        }
        return certs;
    }

    /**
     * The first private key in the text. {@code password} is needed only for an ENCRYPTED PRIVATE KEY
     * block and may be null otherwise.
     */
    public static PrivateKey privateKey(String pem, char[] password) {
        for (Block block : blocks(pem)) {
            try {
                switch (block.type()) {
                    case "PRIVATE KEY" -> {
                        return pkcs8(block.der());
                    }
                    case "RSA PRIVATE KEY" -> {
                        return pkcs8(wrapPkcs1Rsa(block.der()));
                    }
                    case "ENCRYPTED PRIVATE KEY" -> {
                        if (password == null) {
                            throw new IllegalArgumentException("The private key is encrypted; a password is needed.");
                        }
                        return pkcs8(decrypt(block.der(), password));
                    }
                    default -> {
                        // not a key block: certificates may share the file
                    }
                }
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalArgumentException("The private key cannot be read: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("No private key found in the PEM text.");
    }

    public static PrivateKey privateKey(Path file, char[] password) throws IOException {
        return privateKey(Files.readString(file, StandardCharsets.US_ASCII), password);
    }

    private record Block(String type, byte[] der) {}

    private static List<Block> blocks(String pem) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String body = m.group(2).replaceAll("(?m)^[A-Za-z-]+:.*$", "").replaceAll("\\s", "");
            blocks.add(new Block(m.group(1), Base64.getDecoder().decode(body)));
        }
        return blocks;
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException wrongAlgorithm) {
                // try the next one: PKCS#8 names the algorithm inside, KeyFactory wants it up front
            }
        }
        throw new InvalidKeySpecException("unsupported key algorithm (RSA, EC and Ed25519 are supported)");
    }

    private static byte[] decrypt(byte[] der, char[] password) throws GeneralSecurityException, IOException {
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        SecretKeyFactory factory = SecretKeyFactory.getInstance(info.getAlgName());
        Cipher cipher = Cipher.getInstance(info.getAlgName());
        cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password)), info.getAlgParameters());
        return info.getKeySpec(cipher).getEncoded();
    }

    /** PKCS#1 RSAPrivateKey wrapped as PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL). */
    private static byte[] wrapPkcs1Rsa(byte[] pkcs1) {
        byte[] algorithm = {
            0x02,
            0x01,
            0x00, // INTEGER 0
            0x30,
            0x0d,
            0x06,
            0x09,
            0x2a,
            (byte) 0x86,
            0x48,
            (byte) 0x86,
            (byte) 0xf7,
            0x0d,
            0x01,
            0x01,
            0x01,
            0x05,
            0x00
        };
        byte[] octets = concat(tagLength(0x04, pkcs1.length), pkcs1);
        byte[] content = concat(algorithm, octets);
        return concat(tagLength(0x30, content.length), content);
    }

    private static byte[] tagLength(int tag, int length) {
        if (length < 0x80) {
            return new byte[] {(byte) tag, (byte) length};
        }
        int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
        byte[] out = new byte[2 + bytes];
        out[0] = (byte) tag;
        out[1] = (byte) (0x80 | bytes);
        for (int i = 0; i < bytes; i++) {
            out[2 + i] = (byte) (length >>> (8 * (bytes - 1 - i)));
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
