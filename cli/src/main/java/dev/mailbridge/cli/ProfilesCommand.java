package dev.mailbridge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.cli.CliState.Profile;
import dev.mailbridge.core.model.Transport;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code mailbridge profiles}: the saved sign-ins, the default one marked. */
@Command(
        mixinStandardHelpOptions = true,
        name = "profiles",
        description = "List the saved profiles (the default one is marked with *).")
final class ProfilesCommand extends CliCommand {
    @Override
    int run(CliState state, Output out) {
        List<Profile> all = state.profiles();
        Optional<String> def = state.defaultProfile();
        ArrayNode json = Output.array();
        if (all.isEmpty()) {
            out.line("No profiles yet: run mailbridge login.");
        }
        for (Profile p : all) {
            boolean isDefault = def.map(d -> d.equalsIgnoreCase(p.name())).orElse(all.size() == 1);
            ObjectNode o = json.addObject();
            o.put("profile", p.name());
            o.put("default", isDefault);
            o.put("mailbox", p.mailbox().address());
            o.put("mode", p.connection().signInMode().name());
            o.put("transport", p.connection().transport().name().toLowerCase(java.util.Locale.ROOT));
            o.put("status", p.mailbox().status().name());
            p.mailbox().signedInAs().ifPresent(s -> o.put("signedInAs", s));
            p.connection().ewsUrl().ifPresent(u -> o.put("ewsUrl", u));
            p.connection().graphUrl().ifPresent(u -> o.put("graphUrl", u));
            out.line((isDefault ? "* " : "  ") + p.name() + "  " + p.mailbox().address() + "  "
                    + p.connection().signInMode().label() + "  "
                    + (p.connection().transport() == Transport.GRAPH ? "Microsoft Graph" : "EWS") + "  "
                    + p.mailbox().status().label());
        }
        out.json(json);
        return ExitCodes.OK;
    }
}
