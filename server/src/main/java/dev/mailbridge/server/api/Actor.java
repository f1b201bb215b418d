package dev.mailbridge.server.api;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who is calling, for the audit log: {@code apikey:<name>}. */
final class Actor {
    private Actor() {}

    static String current() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a == null ? "apikey:unknown" : a.getName();
    }
}
