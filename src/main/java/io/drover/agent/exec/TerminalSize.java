package io.drover.agent.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.json.Mappers;
import java.io.IOException;
import java.util.Map;

/** A terminal size as the resize channel carries it: {@code {"Width":cols,"Height":rows}}. */
public record TerminalSize(int width, int height) {
    private static final ObjectMapper JSON = Mappers.json();

    /**
     * Parses one resize message; {@code null} when it is not a size (the kubelet ignores those too). The names
     * match in any case, as Go's encoding/json matches them to remotecommand.TerminalSize's untagged fields: the
     * JavaScript client sends {@code {"height":..,"width":..}}. A name given twice takes its last value, as in Go.
     */
    public static TerminalSize parse(byte[] message) {
        try {
            JsonNode node = JSON.readTree(message);
            if (node == null || !node.isObject()) {
                return null;
            }
            JsonNode width = null;
            JsonNode height = null;
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                if (member.getKey().equalsIgnoreCase("width")) {
                    width = member.getValue();
                } else if (member.getKey().equalsIgnoreCase("height")) {
                    height = member.getValue();
                }
            }
            if (width == null || height == null || !width.canConvertToInt() || !height.canConvertToInt()) {
                return null;
            }
            // uint16 in the protocol; 0x0 means "unknown" and would squash the terminal.
            if (width.asInt() <= 0 || height.asInt() <= 0 || width.asInt() > 0xFFFF || height.asInt() > 0xFFFF) {
                return null;
            }
            return new TerminalSize(width.asInt(), height.asInt());
        } catch (IOException e) {
            return null;
        }
    }
}
