package dev.mailbridge.emulator.junit;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Small RFC 5322 messages to deliver into emulated mailboxes in tests. */
public final class TestMessages {
    private TestMessages() {}

    /** A plain-text message from {@code sender@example.com} to {@code to}, with a fresh Message-ID. */
    public static byte[] plain(String subject, String to) {
        return ("From: Sender <sender@example.com>\r\nTo: " + to + "\r\nSubject: " + subject
                        + "\r\nMessage-ID: <" + UUID.randomUUID()
                        + "@example.com>\r\nDate: Mon, 16 Nov 2026 10:00:00 +0000"
                        + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello " + subject
                        + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
