package dev.mailbridge.core.model;

import dev.mailbridge.identity.Secret;
import java.util.Optional;

/** A connection's secrets, opened from the vault only to sign in. */
public record ConnectionSecrets(
        Optional<Secret> clientSecret,
        Optional<Secret> certificatePem,
        Optional<Secret> password,
        Optional<Secret> proxyPassword) {}
