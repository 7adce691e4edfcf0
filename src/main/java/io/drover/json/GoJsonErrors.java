package io.drover.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The error Go's encoding/json gives when text is unmarshalled into a {@code map[string]interface{}}, for the
 * messages Kubernetes passes on to users (a docker config Secret's content, an HPA annotation). Go checks the
 * syntax first and then the type. The syntax errors drover names as Go does are the commonest ones: no text,
 * text cut short, a first character that starts no value. Other syntax errors get a plain description; Go
 * would name the offending character and what it expected there.
 */
public final class GoJsonErrors {
    private static final ObjectMapper JSON = Mappers.json();

    private GoJsonErrors() {}

    /**
     * Go's error for {@code text} unmarshalled into a map; null when it unmarshals (an object, or null). As Go's
     * decoder: bytes that are not UTF-8 inside a string are replaced, not refused; a byte order mark is a character
     * that starts no value; and anything but white space after the value is an error.
     */
    public static String intoMap(byte[] text) {
        if (text.length >= 3 && (text[0] & 0xff) == 0xef && (text[1] & 0xff) == 0xbb && (text[2] & 0xff) == 0xbf) {
            return "invalid character 'ï' looking for beginning of value"; // the BOM's first byte, as Go quotes it
        }
        String decoded = new String(text, java.nio.charset.StandardCharsets.UTF_8);
        JsonNode value;
        int end;
        try (com.fasterxml.jackson.core.JsonParser parser = JSON.createParser(decoded)) {
            value = JSON.readTree(parser);
            end = (int) parser.currentLocation().getCharOffset();
        } catch (JsonEOFException e) {
            return "unexpected end of JSON input";
        } catch (JsonProcessingException e) {
            return syntaxError(decoded);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e); // an in-memory read has no I/O to fail
        }
        if (value == null || value.isMissingNode()) {
            return "unexpected end of JSON input";
        }
        for (int i = Math.max(end, 0); i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return "invalid character '" + c + "' after top-level value";
            }
        }
        if (value.isObject() || value.isNull()) {
            return null;
        }
        return "json: cannot unmarshal " + kindOf(value) + " into Go value of type map[string]interface {}";
    }

    /** Go's error for {@code text} that is not JSON at all. */
    public static String syntaxError(String text) {
        String value = text.strip();
        if (value.isEmpty()) {
            return "unexpected end of JSON input";
        }
        char first = value.charAt(0);
        if ("{[\"-0123456789tfn".indexOf(first) < 0) {
            return "invalid character '" + first + "' looking for beginning of value";
        }
        return "invalid JSON";
    }

    /** How Go's encoding/json names a JSON value's kind in its errors ("cannot unmarshal string into ..."). */
    public static String kindOf(JsonNode value) {
        if (value.isTextual()) {
            return "string";
        }
        if (value.isNumber()) {
            return "number";
        }
        if (value.isBoolean()) {
            return "bool";
        }
        return value.isArray() ? "array" : "object";
    }
}
