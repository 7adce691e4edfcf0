package io.drover.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code drover} command line. */
@Command(
        name = "drover",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A container and process orchestrator that speaks the Kubernetes API.",
        subcommands = {ServerCommand.class, DemoAppCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        // A failure to start (a port in use, a bad option value) is one clear line, not a trace.
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("drover: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        System.exit(commandLine.execute(args));
    }
}
