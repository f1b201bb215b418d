package dev.mailbridge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.cli.CliState.Profile;
import dev.mailbridge.core.connect.ConnectionTester.Step;
import dev.mailbridge.core.connect.ConnectionTester.StepStatus;
import dev.mailbridge.core.connect.ConnectionTester.TestReport;
import java.util.Locale;
import picocli.CommandLine.Command;

/**
 * {@code mailbridge check} (also {@code mailbridge test} inside the CLI): core's Test Connection, each step
 * passed or failed with what to fix; the exit code says which kind of step failed.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "check",
        aliases = "test",
        description = {
            "Test the profile's connection: settings, EWS host, TLS, sign-in, mailbox access, send permission.",
            "Each step passed or failed with what to fix; nothing is sent (a draft is created and deleted)."
        })
final class CheckCommand extends CliCommand {
    @Override
    int run(CliState state, Output out) {
        Profile p = state.profile(root.profile());
        TestReport report = state.services().tester().test(p.mailbox().id(), CliState.ACTOR);
        print(report, out);
        if (report.passed()) {
            out.line("Connection OK: " + p.mailbox().address() + " (profile \"" + p.name() + "\").");
        }
        return exitCode(report);
    }

    static void print(TestReport report, Output out) {
        ObjectNode json = Output.object();
        json.put("passed", report.passed());
        ArrayNode steps = json.putArray("steps");
        for (Step s : report.steps()) {
            ObjectNode o = steps.addObject();
            o.put("step", s.name());
            o.put("status", s.status().name().toLowerCase(Locale.ROOT));
            o.put("message", s.message());
            s.fix().ifPresent(f -> o.put("fix", f));
            s.code().ifPresent(c -> o.put("code", c));
            String mark = switch (s.status()) {
                case PASSED -> "[ok]  ";
                case FAILED -> "[FAIL]";
                case SKIPPED -> "[skip]";
            };
            out.line(mark + " " + s.name() + ": " + s.code().map(c -> c + " ").orElse("") + s.message());
            s.fix().ifPresent(f -> out.line("       What to do: " + f));
        }
        json.put("exitCode", exitCode(report));
        out.json(json);
    }

    /** The first failed step decides: sign-in 2, host and TLS 3, Exchange 4, settings 1. */
    static int exitCode(TestReport report) {
        for (Step s : report.steps()) {
            if (s.status() != StepStatus.FAILED) {
                continue;
            }
            if (s.code().filter(c -> c.startsWith("AADSTS")).isPresent()) {
                return ExitCodes.AUTH;
            }
            return switch (s.name()) {
                case "Settings" -> s.message().contains("not authorized") ? ExitCodes.AUTH : ExitCodes.USAGE;
                case "EWS host", "Graph host", "TLS" -> ExitCodes.CONNECTION;
                case "Sign-in" -> ExitCodes.AUTH;
                default ->
                    s.message().toLowerCase(Locale.ROOT).contains("401")
                                    || s.code().filter(c -> c.equals("401")).isPresent()
                            ? ExitCodes.AUTH
                            : ExitCodes.EWS;
            };
        }
        return ExitCodes.OK;
    }
}
