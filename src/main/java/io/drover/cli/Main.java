package io.drover.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code drover} command line. */
@Command(
        name = "drover",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A container and process orchestrator that speaks the Kubernetes API.",
        subcommands = {ServerCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
