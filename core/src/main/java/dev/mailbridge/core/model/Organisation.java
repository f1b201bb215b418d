package dev.mailbridge.core.model;

import java.time.Instant;
import java.util.UUID;

public record Organisation(UUID id, String name, Instant createdAt) {}
