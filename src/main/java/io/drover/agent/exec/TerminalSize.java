package io.drover.agent.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.json.Mappers;
import java.io.IOException;

/** A terminal size as the resize channel carries it: {@code {"Width":cols,"Height":rows}}. */
public record TerminalSize(int width, int height) {
    private static final ObjectMapper JSON = Mappers.json();

    /** Parses one resize message; {@code null} when it is not a size (the kubelet ignores those too). */
    public static TerminalSize parse(byte[] message) {
        try {
            JsonNode node = JSON.readTree(message);
            if (node == null || !node.path("Width").canConvertToInt() || !node.path("Height").canConvertToInt()) {
                return null;
            }
            int width = node.path("Width").asInt();
            int height = node.path("Height").asInt();
            // uint16 in the protocol; 0x0 means "unknown" and would squash the terminal.
            if (width <= 0 || height <= 0 || width > 0xFFFF || height > 0xFFFF) {
                return null;
            }
            return new TerminalSize(width, height);
        } catch (IOException e) {
            return null;
        }
    }
}
