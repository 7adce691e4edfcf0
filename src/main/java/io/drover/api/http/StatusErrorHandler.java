package io.drover.api.http;

import io.drover.api.ApiException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers by itself, a request it could not parse (400, 431) or one whose handling threw
 * past the router (an Error such as OutOfMemoryError), as a Kubernetes Status in JSON instead of
 * Jetty's HTML page, which named the exception. The router answers everything else itself.
 */
public final class StatusErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        // Jetty's own refusals (HttpException: a bad request line, headers too large) describe the
        // request; any other exception's message can hold anything (a path, a value), and its
        // class says enough.
        String text = cause == null || cause instanceof HttpException ? message : cause.getClass().getSimpleName();
        response.write(true, ByteBuffer.wrap(status(code, text)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int code, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(status(code, reason));
    }

    /**
     * A Status for the code, with the reason Kubernetes gives it (apimachinery's
     * NewGenericServerResponse) and the message, or the code's own when there is none.
     */
    static byte[] status(int code, String message) {
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        ApiException error = code == 500 ? ApiException.internal(text)
                : new ApiException(code, reason(code), code > 500 ? "Internal error occurred: " + text : text);
        return error.toStatus().toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String reason(int code) {
        return switch (code) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 406 -> "NotAcceptable";
            case 409 -> "Conflict";
            case 413 -> "RequestEntityTooLarge";
            case 415 -> "UnsupportedMediaType";
            case 422 -> "Invalid";
            case 429 -> "TooManyRequests";
            case 500 -> "InternalError";
            case 503 -> "ServiceUnavailable";
            case 504 -> "Timeout";
            default -> "Unknown";
        };
    }
}
