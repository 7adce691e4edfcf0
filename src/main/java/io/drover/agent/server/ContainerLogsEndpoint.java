package io.drover.agent.server;

import io.drover.agent.logs.LogOptions;
import io.drover.agent.logs.LogPipeline;
import io.drover.pod.PodFields;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.stream.Stream;
import java.util.function.Function;

/**
 * {@code GET /containerLogs/{namespace}/{pod}/{container}} with the kubelet's query parameters
 * ({@code follow, tailLines, sinceSeconds, sinceTime, timestamps, previous, limitBytes}) and its
 * answers: 404 for an unknown pod or container, 400 when the chosen run has no log, else the log
 * as a chunked text stream.
 */
final class ContainerLogsEndpoint {
    private final ContainerLogSource pods;
    private final LogPipeline logs;
    private final Clock clock;

    ContainerLogsEndpoint(ContainerLogSource pods, LogPipeline logs) {
        this(pods, logs, Clock.systemUTC());
    }

    ContainerLogsEndpoint(ContainerLogSource pods, LogPipeline logs, Clock clock) {
        this.pods = pods;
        this.logs = logs;
        this.clock = clock;
    }

    void serve(String namespace, String podName, String container, Function<String, String> query,
            KubeletHandler.Answer answer) throws IOException, InterruptedException {
        LogOptions options;
        boolean previous;
        try {
            options = options(query);
            previous = flag(query.apply("previous"));
        } catch (IllegalArgumentException e) {
            answer.fail(400, "Unable to decode query: " + e.getMessage());
            return;
        }
        Pod pod = pods.pod(namespace, podName);
        if (pod == null) {
            answer.fail(404, "pod \"" + podName + "\" does not exist");
            return;
        }
        if (!hasContainer(pod, container)) {
            answer.fail(404, "container \"" + container + "\" not found in pod \"" + podName + "\"");
            return;
        }
        Path dir = pods.containerDir(pod, container);
        LogRunSelection.Choice choice = LogRunSelection.choose(podName, container, PodFields.statusOf(pod, container),
                logs.runs(dir), previous);
        if (choice.error() != null) {
            answer.fail(400, choice.error());
            return;
        }
        // Following a run that has ended (a previous one) stops at its end.
        try (OutputStream out = answer.stream()) {
            logs.read(dir, choice.run(), options, out);
        }
    }

    private LogOptions options(Function<String, String> query) {
        Instant since = null;
        String sinceTime = query.apply("sinceTime");
        String sinceSeconds = query.apply("sinceSeconds");
        if (sinceTime != null && !sinceTime.isEmpty()) {
            try {
                since = Instant.parse(sinceTime);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("sinceTime: " + sinceTime + " (expected: RFC3339)");
            }
        } else if (sinceSeconds != null && !sinceSeconds.isEmpty()) {
            since = clock.instant().minusSeconds(number("sinceSeconds", sinceSeconds));
        }
        String tail = query.apply("tailLines");
        String limit = query.apply("limitBytes");
        return new LogOptions(flag(query.apply("follow")),
                tail == null || tail.isEmpty() ? -1 : number("tailLines", tail),
                since, flag(query.apply("timestamps")),
                limit == null || limit.isEmpty() ? -1 : number("limitBytes", limit));
    }

    private static long number(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: an integer)");
        }
    }

    private static boolean flag(String value) {
        return value != null && (value.isEmpty() || value.equalsIgnoreCase("true") || value.equals("1"));
    }

    /** Init, regular and ephemeral containers all have logs. */
    private static boolean hasContainer(Pod pod, String container) {
        return Stream.of(PodFields.list(pod.getSpec().getInitContainers()).stream().map(Container::getName),
                        PodFields.list(pod.getSpec().getContainers()).stream().map(Container::getName),
                        PodFields.list(pod.getSpec().getEphemeralContainers()).stream().map(EphemeralContainer::getName))
                .flatMap(names -> names).anyMatch(container::equals);
    }

}
