package dev.mailbridge.identity.signin;

import java.net.URI;

/** Where to send the browser, and what to keep until the callback. */
public record SignInStart(URI authorizationUrl, PendingSignIn pending) {}
