package dev.mailbridge.cli;

import dev.mailbridge.cli.CliState.Profile;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mailbridge logout}: forgets a profile with its secrets and tokens. */
@Command(
        mixinStandardHelpOptions = true,
        name = "logout",
        description = "Forget a profile: its settings, secret or password and tokens are deleted from this machine.")
final class LogoutCommand extends CliCommand {
    @Option(names = "--all", description = "Forget every profile.")
    boolean all;

    @Override
    int run(CliState state, Output out) {
        List<Profile> gone = all ? state.profiles() : List.of(state.profile(root.profile()));
        var names = Output.array();
        for (Profile p : gone) {
            state.services().connections().delete(p.connection().id(), CliState.ACTOR);
            names.add(p.name());
            out.line("Logged out of " + p.mailbox().address() + " (profile \"" + p.name() + "\" deleted).");
        }
        if (gone.isEmpty()) {
            out.line("No profiles to forget.");
        }
        var json = Output.object();
        json.set("removed", names);
        out.json(json);
        return ExitCodes.OK;
    }
}
