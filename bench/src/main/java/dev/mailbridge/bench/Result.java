package dev.mailbridge.bench;

/**
 * What one scenario measured. Latencies are in milliseconds; {@code errors} counts every failed
 * call, in warm-up and measurement alike, since any error means the numbers are suspect. {@code
 * cpu} is the CPU time spent during the measured window ({@code windowNanos} long), by the client
 * threads, the server's threads and the whole process; null when not measured.
 */
public record Result(
        String server,
        String transport,
        String grant,
        int threads,
        long requests,
        double seconds,
        double p50Millis,
        double p90Millis,
        double p99Millis,
        long errors,
        String firstError,
        CpuSampler.Sample cpu,
        long windowNanos,
        double minRequestsPerSecond,
        double maxRequestsPerSecond) {

    /** One round's result: its own req/s is the whole spread. */
    public Result(
            String server,
            String transport,
            String grant,
            int threads,
            long requests,
            double seconds,
            double p50Millis,
            double p90Millis,
            double p99Millis,
            long errors,
            String firstError,
            CpuSampler.Sample cpu,
            long windowNanos) {
        this(
                server,
                transport,
                grant,
                threads,
                requests,
                seconds,
                p50Millis,
                p90Millis,
                p99Millis,
                errors,
                firstError,
                cpu,
                windowNanos,
                seconds <= 0 ? 0 : requests / seconds,
                seconds <= 0 ? 0 : requests / seconds);
    }

    /**
     * The same row over several rounds: the round with the median req/s (the lower middle one
     * for an even count), the min and max req/s of all, and the errors of all rounds; a round that
     * did not run makes the row not run.
     */
    static Result median(java.util.List<Result> rounds) {
        for (Result r : rounds) {
            if (r.errors() < 0) {
                return r;
            }
        }
        java.util.List<Result> sorted = new java.util.ArrayList<>(rounds);
        sorted.sort(java.util.Comparator.comparingDouble(Result::requestsPerSecond));
        Result mid = sorted.get((sorted.size() - 1) / 2);
        long errors = 0;
        String firstError = null;
        for (Result r : rounds) {
            errors += r.errors();
            if (firstError == null) {
                firstError = r.firstError();
            }
        }
        return new Result(
                mid.server,
                mid.transport,
                mid.grant,
                mid.threads,
                mid.requests,
                mid.seconds,
                mid.p50Millis,
                mid.p90Millis,
                mid.p99Millis,
                errors,
                firstError,
                mid.cpu,
                mid.windowNanos,
                sorted.get(0).requestsPerSecond(),
                sorted.get(sorted.size() - 1).requestsPerSecond());
    }

    public double requestsPerSecond() {
        return seconds <= 0 ? 0 : requests / seconds;
    }

    /** A row for scenarios that could not run at all (the server did not start, setup failed). */
    public static Result failed(String server, String transport, String grant, int threads, String why) {
        return new Result(
                server, transport, grant, threads, 0, 0, Double.NaN, Double.NaN, Double.NaN, -1, why, null, 0, 0, 0);
    }

    /** Server-thread CPU per successful request, in microseconds (NaN when unknown). */
    public double serverMicrosPerRequest() {
        return cpu == null || requests == 0 ? Double.NaN : cpu.serverNanos() / 1000.0 / requests;
    }

    /** Client-thread CPU per successful request, in microseconds (NaN when unknown). */
    public double clientMicrosPerRequest() {
        return cpu == null || requests == 0 ? Double.NaN : cpu.clientNanos() / 1000.0 / requests;
    }

    /** Share of all cores the process used during the window, 0..1 (NaN when unknown). */
    public double processCpuShare() {
        if (cpu == null || cpu.processNanos() < 0 || windowNanos <= 0) {
            return Double.NaN;
        }
        return (double) cpu.processNanos() / windowNanos / Runtime.getRuntime().availableProcessors();
    }

    /** Share of all cores busy on the machine during the window, any process, 0..1 (NaN when unknown). */
    public double machineCpuShare() {
        return cpu == null ? Double.NaN : cpu.machineBusyShare();
    }

    public boolean ok() {
        return errors == 0 && requests > 0;
    }
}
