package dev.mailbridge.cli;

import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code mailbridge}: the root command, its global options and the wiring of every subcommand. */
@Command(
        name = "mailbridge",
        mixinStandardHelpOptions = true,
        versionProvider = MailbridgeCli.Version.class,
        description = "Reach Exchange and Microsoft 365 mailboxes from the command line, without a server.",
        subcommands = {
            LoginCommand.class,
            LogoutCommand.class,
            ProfilesCommand.class,
            CheckCommand.class,
            FoldersCommand.class,
            FetchCommand.class,
            WatchCommand.class,
            SendCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:bad input (options, profile, settings)",
            "2:sign-in failed (Entra's AADSTS code, a wrong password)",
            "3:Exchange or Entra not reachable (DNS, TLS, proxy, URL)",
            "4:Exchange answered with an error",
            "5:a local file or the CLI's state",
            "70:unexpected error",
            "130:interrupted (Ctrl-C)"
        })
public final class MailbridgeCli implements Runnable {
    @Option(
            names = "--json",
            scope = ScopeType.INHERIT,
            description = "Print JSON for scripts instead of text for people (errors too, on standard error).")
    boolean json;

    @Option(
            names = {"-p", "--profile"},
            scope = ScopeType.INHERIT,
            paramLabel = "NAME",
            description = "The saved sign-in to use (default: the last one logged in, or the only one).")
    String profile;

    @Spec
    CommandSpec spec;

    private final CliEnvironment environment;

    MailbridgeCli(CliEnvironment environment) {
        this.environment = environment;
    }

    CliEnvironment environment() {
        return environment;
    }

    Optional<String> profile() {
        return Optional.ofNullable(profile).map(String::strip).filter(s -> !s.isEmpty());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line over {@code environment}, with the CLI's error handling and exit codes. */
    public static CommandLine commandLine(CliEnvironment environment) {
        MailbridgeCli root = new MailbridgeCli(environment);
        CommandLine cl = new CommandLine(root);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // "@FILE" is send's own (a body read from a file), not picocli's argument files.
        cl.setExpandAtFiles(false);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Problem p = Problem.of(ex);
            new Output(cmd.getOut(), cmd.getErr(), root.json).problem(p);
            return p.exitCode();
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            new Output(cmd.getOut(), err, root.json)
                    .problem(new Problem(
                            ex.getMessage(),
                            "See " + cmd.getCommandSpec().qualifiedName() + " --help.",
                            Optional.empty(),
                            ExitCodes.USAGE));
            return ExitCodes.USAGE;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine(CliEnvironment.system()).execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = MailbridgeCli.class.getPackage().getImplementationVersion();
            return new String[] {"mailbridge " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
