package dev.mailbridge.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A subcommand that works on the CLI's state: opens it, runs, closes it again. */
abstract class CliCommand implements Callable<Integer> {
    @ParentCommand
    MailbridgeCli root;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        Output out = output();
        try (CliState state = CliState.open(root.environment())) {
            return run(state, out);
        }
    }

    Output output() {
        return new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), root.json);
    }

    abstract int run(CliState state, Output out) throws Exception;
}
