package dev.mailbridge.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.identity.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultTest {
    @TempDir
    Path dir;

    @Test
    void sealsWithAesGcmBoundToItsContext() {
        Vault vault = new Vault(KeyRing.of(KeyRing.newKey()));
        String sealed = vault.seal(Secret.of("hunter2"), "connection/1/password");

        assertThat(sealed).startsWith("v1:" + vault.ring().active().id() + ":").doesNotContain("hunter2");
        assertThat(vault.seal(Secret.of("hunter2"), "connection/1/password"))
                .as("a fresh nonce per value")
                .isNotEqualTo(sealed);
        assertThat(vault.open(sealed, "connection/1/password").reveal()).isEqualTo("hunter2");
        assertThatThrownBy(() -> vault.open(sealed, "connection/2/password"))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("moved from another row")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void refusesTamperedValues() {
        Vault vault = new Vault(KeyRing.of(KeyRing.newKey()));
        String sealed = vault.seal(Secret.of("hunter2"), "c");
        int at = sealed.lastIndexOf(':') + 1;
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(at));
        bytes[bytes.length - 1] ^= 1;
        String tampered = sealed.substring(0, at) + Base64.getEncoder().encodeToString(bytes);
        assertThatThrownBy(() -> vault.open(tampered, "c")).hasMessageContaining("integrity");
        assertThatThrownBy(() -> vault.open("plain text", "c")).hasMessageContaining("not in the vault's format");
    }

    @Test
    void makesAnOwnerOnlyKeyFileOnFirstStartAndReusesIt() throws Exception {
        Path file = dir.resolve("keys/master.key");
        KeyRing first = KeyRing.load(Map.of(), file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(KeyRing.load(Map.of(), file).active().id())
                .isEqualTo(first.active().id());
    }

    @Test
    void takesTheKeyFromTheEnvironmentWithRetiredKeysForRotation() {
        MasterKey active = KeyRing.newKey();
        MasterKey old = KeyRing.newKey();
        Vault before = new Vault(KeyRing.of(old));
        String sealed = before.seal(Secret.of("s"), "c");

        KeyRing ring = KeyRing.load(
                Map.of(KeyRing.ENV_KEY, active.encoded(), KeyRing.ENV_OLD_KEYS, old.encoded()),
                dir.resolve("unused.key"));
        Vault vault = new Vault(ring);
        assertThat(vault.open(sealed, "c").reveal()).isEqualTo("s");
        assertThat(vault.needsResealing(sealed)).isTrue();
        assertThat(Files.exists(dir.resolve("unused.key"))).isFalse();

        assertThatThrownBy(() -> KeyRing.load(Map.of(KeyRing.ENV_KEY, "too-short"), dir.resolve("k")))
                .hasMessageContaining("MAILBRIDGE_MASTER_KEY")
                .hasMessageContaining("openssl rand -base64 32");
    }
}
