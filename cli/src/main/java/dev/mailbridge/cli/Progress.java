package dev.mailbridge.cli;

import java.io.PrintWriter;

/** A progress bar on standard error, drawn only on a terminal (never into a pipe, a log or JSON output). */
final class Progress {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private final String unit;
    private long total;
    private long done;
    private boolean drawn;

    Progress(PrintWriter err, boolean enabled, String unit) {
        this.err = err;
        this.enabled = enabled;
        this.unit = unit;
    }

    /** The expected total, when known (negative: unknown, shows a count only). */
    void total(long n) {
        total = n;
        draw();
    }

    void step(int n) {
        done += n;
        draw();
    }

    private void draw() {
        if (!enabled) {
            return;
        }
        StringBuilder line = new StringBuilder("\r");
        if (total > 0) {
            long shown = Math.min(done, total);
            int filled = (int) (WIDTH * shown / total);
            line.append('[')
                    .append("#".repeat(filled))
                    .append(".".repeat(WIDTH - filled))
                    .append("] ")
                    .append(shown)
                    .append('/')
                    .append(total);
        } else {
            line.append(done);
        }
        line.append(' ').append(unit);
        err.print(line);
        err.flush();
        drawn = true;
    }

    void finish() {
        if (drawn) {
            err.println();
            err.flush();
        }
    }
}
