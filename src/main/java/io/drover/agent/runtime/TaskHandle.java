package io.drover.agent.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.json.Mappers;
import java.util.Map;

/**
 * A started task, as returned by {@link Runtime#start}. The agent persists it ({@link #toJson()})
 * and after its own restart hands it to {@link Runtime#recover} to reattach to the task.
 *
 * <p>A pid alone does not name a process across time: pids are reused. {@code startTime} pins it
 * down: a process with this pid and this start time is the task, any other is not.
 *
 * @param runtime the {@link Capabilities#name()} of the runtime that started it
 * @param taskId the {@link TaskSpec#id()}
 * @param pid the task's main process
 * @param startTime the main process's start time in clock ticks since boot ({@code /proc/<pid>/stat} field 22)
 * @param state what else the runtime needs to find the task again (opaque to callers)
 */
public record TaskHandle(String runtime, String taskId, long pid, long startTime, Map<String, String> state) {

    private static final ObjectMapper JSON =
            Mappers.json().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public TaskHandle {
        if (runtime == null || taskId == null) {
            throw new IllegalArgumentException("runtime, taskId: " + runtime + ", " + taskId + " (expected: both set)");
        }
        if (pid <= 0) {
            throw new IllegalArgumentException("pid: " + pid + " (expected: > 0)");
        }
        state = state == null ? Map.of() : Map.copyOf(state);
    }

    /** A one-line JSON form to persist. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + this, e);
        }
    }

    /** Reads what {@link #toJson()} wrote. */
    public static TaskHandle fromJson(String json) {
        try {
            return JSON.readValue(json, TaskHandle.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("task handle: " + json + " (expected: the JSON TaskHandle.toJson wrote)", e);
        }
    }
}
