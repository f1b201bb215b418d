package dev.mailbridge.core.vault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The master keys: the active one seals, any of them opens. Comes from the environment
 * ({@value #ENV_KEY}, with retired keys in {@value #ENV_OLD_KEYS} during a rotation) or from a key
 * file made on first start, owner-only, one base64 key per line, active first.
 */
public final class KeyRing {
    public static final String ENV_KEY = "MAILBRIDGE_MASTER_KEY";
    public static final String ENV_OLD_KEYS = "MAILBRIDGE_OLD_MASTER_KEYS";

    private final MasterKey active;
    private final List<MasterKey> all;
    private final Optional<Path> file;

    private KeyRing(List<MasterKey> keys, Optional<Path> file) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no master key");
        }
        this.active = keys.get(0);
        this.all = List.copyOf(keys);
        this.file = file;
    }

    public static KeyRing of(MasterKey active, MasterKey... retired) {
        List<MasterKey> keys = new ArrayList<>();
        keys.add(active);
        keys.addAll(List.of(retired));
        return new KeyRing(keys, Optional.empty());
    }

    /**
     * The environment's key when {@value #ENV_KEY} is set, otherwise the key file, made with a new
     * random key (permissions 600) when it does not exist yet.
     */
    public static KeyRing load(Map<String, String> env, Path keyFile) {
        String fromEnv = env.get(ENV_KEY);
        if (fromEnv != null && !fromEnv.isBlank()) {
            List<MasterKey> keys = new ArrayList<>();
            keys.add(parseNamed(fromEnv, ENV_KEY));
            String old = env.getOrDefault(ENV_OLD_KEYS, "");
            for (String k : old.split("[,\\s]+")) {
                if (!k.isBlank()) {
                    keys.add(parseNamed(k, ENV_OLD_KEYS));
                }
            }
            return new KeyRing(keys, Optional.empty());
        }
        if (!Files.exists(keyFile)) {
            create(keyFile);
        }
        return readFile(keyFile);
    }

    private static MasterKey parseNamed(String value, String where) {
        try {
            return MasterKey.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static KeyRing readFile(Path keyFile) {
        try {
            List<MasterKey> keys = new ArrayList<>();
            for (String line : Files.readAllLines(keyFile, StandardCharsets.US_ASCII)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    keys.add(parseNamed(line, keyFile.toString()));
                }
            }
            if (keys.isEmpty()) {
                throw new IllegalArgumentException(keyFile + " holds no key; restore it from your backup. "
                        + "Without it the stored secrets and tokens cannot be read.");
            }
            return new KeyRing(keys, Optional.of(keyFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master key file " + keyFile, e);
        }
    }

    private static void create(Path keyFile) {
        try {
            Files.createDirectories(keyFile.toAbsolutePath().getParent());
            writeOwnerOnly(keyFile, List.of(newKey()), false);
        } catch (FileAlreadyExistsException raced) {
            // another process made it first: use theirs
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the master key file " + keyFile, e);
        }
    }

    public static MasterKey newKey() {
        byte[] bytes = new byte[MasterKey.LENGTH];
        new SecureRandom().nextBytes(bytes);
        return MasterKey.ofBytes(bytes);
    }

    private static void writeOwnerOnly(Path target, List<MasterKey> keys, boolean replace) throws IOException {
        StringBuilder text = new StringBuilder(
                "# Mailbridge master keys: the first seals, all open. Back this file up; keep it secret.\n");
        for (MasterKey k : keys) {
            text.append(k.encoded()).append('\n');
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        if (replace) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            if (Files.size(target) == 0) {
                throw new FileAlreadyExistsException(target.toString());
            }
        }
    }

    /** A ring whose active key is {@code next}, keeping this ring's keys to open old values. */
    public KeyRing withActive(MasterKey next) {
        List<MasterKey> keys = new ArrayList<>();
        keys.add(next);
        keys.addAll(all);
        return new KeyRing(keys, file);
    }

    /** This ring with only its active key; written to the key file when the ring came from one. */
    public KeyRing retireOldKeys() {
        KeyRing only = new KeyRing(List.of(active), file);
        only.save();
        return only;
    }

    /** Writes the ring to its key file (nothing to do for keys from the environment). */
    public void save() {
        file.ifPresent(path -> {
            try {
                writeOwnerOnly(path, all, true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the master key file " + path, e);
            }
        });
    }

    public MasterKey active() {
        return active;
    }

    public Optional<MasterKey> byId(String id) {
        return all.stream().filter(k -> k.id().equals(id)).findFirst();
    }

    public List<String> ids() {
        return all.stream().map(MasterKey::id).toList();
    }

    public Optional<Path> file() {
        return file;
    }
}
