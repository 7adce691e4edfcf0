package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnceWarningsTest {
    @Test
    void aWarningGivenAgainIsAddedOnceOtherHeadersEveryTime() {
        List<String> added = new ArrayList<>();
        ApiResponse response = new OnceWarnings(new ApiResponse() {
            @Override
            public void addHeader(String name, String value) {
                added.add(name + ": " + value);
            }

            @Override
            public void send(int status, String contentType, byte[] body) {}

            @Override
            public OutputStream stream(int status, String contentType) {
                return OutputStream.nullOutputStream();
            }
        });

        response.addHeader("Warning", "299 - \"a\"");
        response.addHeader("Warning", "299 - \"b\"");
        response.addHeader("Warning", "299 - \"a\"");
        response.addHeader("X-Other", "1");
        response.addHeader("X-Other", "1");

        assertThat(added).containsExactly("Warning: 299 - \"a\"", "Warning: 299 - \"b\"", "X-Other: 1", "X-Other: 1");
    }
}
