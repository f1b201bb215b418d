package dev.mailbridge.core.model;

import java.time.Instant;
import java.util.Optional;

/** One configuration change: who, what, on what. Never holds a secret's value. */
public record AuditEntry(long id, Instant at, String actor, String action, String target, Optional<String> detail) {}
