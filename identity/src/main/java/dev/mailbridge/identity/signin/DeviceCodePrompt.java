package dev.mailbridge.identity.signin;

import java.net.URI;
import java.time.Duration;

/**
 * What to show the person setting up a headless connection: open {@code verificationUri} and enter
 * {@code userCode}. {@code message} is Entra's own ready-made sentence saying the same.
 */
public record DeviceCodePrompt(String userCode, URI verificationUri, String message, Duration expiresIn) {}
