package dev.mailbridge.emulator.entra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Server-side state behind the opaque strings the emulator hands out: authorization codes,
 * refresh tokens, device codes, browser sessions and interactive flows in progress. Accessed
 * under the directory lock only, hence plain maps.
 */
final class GrantStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] USER_CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    /** An issued authorization code; single use, about 10 minutes. */
    static final class AuthCode {
        String tenantId;
        String clientId;
        String upn;
        List<String> scopes;
        String redirectUri;
        String codeChallenge;
        String codeChallengeMethod;
        String nonce;
        Instant authTime;
        boolean mfa;
        Instant issued;
        boolean redeemed;
    }

    /** A refresh token: lives 90 days from its own issue; rotation does not revoke older ones. */
    static final class RefreshToken {
        String tenantId;
        String clientId;
        String upn;
        /** When the user authenticated; compared with TokensValidFrom (50173). */
        Instant authTime;

        boolean mfa;
        Instant issued;
    }

    enum DeviceState {
        PENDING,
        APPROVED,
        DECLINED,
        REDEEMED
    }

    /** A device-code sign-in: the device polls while the user signs in at /devicelogin. */
    static final class DeviceCode {
        String deviceCode;
        String userCode;
        String pathTenant;
        String tenantId;
        String clientId;
        List<String> scopes;
        Instant issued;
        Instant expires;
        int interval;
        Instant lastPoll;
        DeviceState state = DeviceState.PENDING;
        String upn;
        Instant authTime;
        boolean mfa;
    }

    /** A browser sign-in session (the ESTSAUTH cookie). */
    static final class Session {
        String id;
        String tenantId;
        String upn;
        Instant authTime;
        boolean mfa;
    }

    enum FlowKind {
        AUTHORIZE,
        ADMIN_CONSENT,
        ADMIN_CONSENT_V1,
        DEVICE
    }

    enum Stage {
        SIGN_IN,
        MFA,
        CONSENT
    }

    /** An interactive flow between the first page and the final redirect; the forms carry its id. */
    static final class Flow {
        String id;
        FlowKind kind;
        String pathTenant;
        String tenantId;
        String clientId;
        String redirectUri;
        String responseMode;
        String state;
        String nonce;
        List<String> scopes;
        String scopeParam;
        String codeChallenge;
        String codeChallengeMethod;
        String prompt;
        String loginHint;
        String deviceCode;
        Stage stage = Stage.SIGN_IN;
        String upn;
        Instant authTime;
        boolean mfa;
        Instant created;
    }

    final Map<String, AuthCode> codes = new HashMap<>();
    final Map<String, RefreshToken> refreshTokens = new HashMap<>();
    final Map<String, DeviceCode> deviceCodes = new HashMap<>();
    final Map<String, Session> sessions = new HashMap<>();
    final Map<String, Flow> flows = new HashMap<>();

    /** Writes the refresh tokens to {@code file}, so a restarted emulator still honours them (as Entra would). */
    void saveRefreshTokens(Path file) throws IOException {
        ObjectNode all = JsonNodeFactory.instance.objectNode();
        refreshTokens.forEach((value, rt) -> {
            ObjectNode n = all.putObject(value);
            n.put("tenantId", rt.tenantId);
            n.put("clientId", rt.clientId);
            n.put("upn", rt.upn);
            n.put("authTime", rt.authTime == null ? null : rt.authTime.toString());
            n.put("mfa", rt.mfa);
            n.put("issued", rt.issued.toString());
        });
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, all.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads what {@link #saveRefreshTokens} wrote; a missing or damaged file just means no tokens. */
    void loadRefreshTokens(Path file) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            new ObjectMapper().readTree(file.toFile()).properties().forEach(e -> {
                JsonNode n = e.getValue();
                RefreshToken rt = new RefreshToken();
                rt.tenantId = n.path("tenantId").asText();
                rt.clientId = n.path("clientId").asText();
                rt.upn = n.path("upn").asText();
                rt.authTime = n.hasNonNull("authTime")
                        ? Instant.parse(n.get("authTime").asText())
                        : null;
                rt.mfa = n.path("mfa").asBoolean();
                rt.issued = Instant.parse(n.path("issued").asText());
                refreshTokens.put(e.getKey(), rt);
            });
        } catch (IOException | RuntimeException e) {
            refreshTokens.clear(); // clients sign in again, as after a revocation
        }
    }

    static String opaque(String prefix, int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return prefix + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String userCode() {
        char[] code = new char[9];
        for (int i = 0; i < code.length; i++) {
            code[i] = USER_CODE_CHARS[RANDOM.nextInt(USER_CODE_CHARS.length)];
        }
        return new String(code);
    }

    DeviceCode deviceByUserCode(String userCode) {
        for (DeviceCode d : deviceCodes.values()) {
            if (d.userCode.equalsIgnoreCase(userCode.trim())) {
                return d;
            }
        }
        return null;
    }

    /** Drops what can no longer be used, so a long-running emulator does not grow without bound. */
    void purge(Instant now) {
        codes.values().removeIf(c -> c.issued.plusSeconds(3600).isBefore(now));
        flows.values().removeIf(f -> f.created.plusSeconds(3600).isBefore(now));
        for (Iterator<DeviceCode> it = deviceCodes.values().iterator(); it.hasNext(); ) {
            if (it.next().expires.plusSeconds(3600).isBefore(now)) {
                it.remove();
            }
        }
    }
}
