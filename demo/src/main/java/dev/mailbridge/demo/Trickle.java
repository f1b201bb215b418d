package dev.mailbridge.demo;

import dev.mailbridge.emulator.Emulator;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers {@link SampleMail} into the emulated mailboxes through the emulator's in-process API (as SMTP
 * delivery would), one message every {@code every}: the mail Mailbridge then picks up with EWS.
 */
final class Trickle implements AutoCloseable {
    /** The environment variable (and {@code -Dmailbridge.demo.trickle}) that sets the interval; 0 stops it. */
    static final String ENV = "MAILBRIDGE_DEMO_TRICKLE";

    static final Duration DEFAULT = Duration.ofSeconds(20);
    private static final Logger log = LoggerFactory.getLogger(Trickle.class);

    private final ScheduledExecutorService timer;
    private final AtomicLong sent = new AtomicLong();

    private Trickle(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts delivering after a short delay; {@link Duration#ZERO} delivers nothing. */
    static Trickle start(Emulator emulator, Duration every) {
        if (every.isZero()) {
            return new Trickle(null);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-sample-mail");
            t.setDaemon(true);
            return t;
        });
        Trickle trickle = new Trickle(timer);
        SampleMail samples = new SampleMail();
        timer.scheduleWithFixedDelay(
                () -> {
                    SampleMail.Sample s = samples.next(trickle.sent.get());
                    try {
                        emulator.exchange().store().deliver(s.mailbox(), s.mime());
                        trickle.sent.incrementAndGet();
                        log.info("sample mail \"{}\" delivered to {}", s.subject(), s.mailbox());
                    } catch (RuntimeException e) {
                        log.warn("sample mail \"{}\" could not be delivered: {}", s.subject(), e.getMessage());
                    }
                },
                3,
                Math.max(1, every.toSeconds()),
                TimeUnit.SECONDS);
        return trickle;
    }

    /** How many samples were delivered. */
    long delivered() {
        return sent.get();
    }

    boolean running() {
        return timer != null;
    }

    /**
     * The interval from {@code value} ({@code PT20S}, {@code 20s}, {@code 20} seconds, {@code 0} = off).
     *
     * @throws IllegalArgumentException with what is wrong and an example
     */
    static Duration parse(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        String v = value.strip();
        try {
            Duration d;
            if (v.matches("\\d+")) {
                d = Duration.ofSeconds(Long.parseLong(v));
            } else if (v.matches("(?i)\\d+s")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                d = Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
            }
            if (d.isNegative()) {
                throw new IllegalArgumentException(ENV + " must not be negative (got " + value + ").");
            }
            return d;
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(ENV + "=" + value
                    + " is not an interval; use an ISO-8601 duration such as PT20S, seconds such as 20, or 0 to"
                    + " turn the sample mail off.");
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
