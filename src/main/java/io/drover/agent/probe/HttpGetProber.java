package io.drover.agent.probe;

import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * kubelet's httpGet probe (pkg/probe/http): a GET with {@code User-Agent: kube-probe/1.32} and
 * {@code Accept: *}{@code /*} unless the probe sets them, the probe's headers (Host included), no
 * keep-alive; 200-399 passes; redirects to the same host are followed (at most 10), a redirect
 * elsewhere is not and passes with a warning; HTTPS certificates are not verified.
 *
 * <p>A plain HTTP/1.1 exchange over a socket rather than the JDK's HttpClient, because that
 * client refuses to send a {@code Host} header, which probes may set, and its redirect policy
 * cannot express "same host only". Messages are Go's, as kubectl users know them.
 */
final class HttpGetProber {
    static final String USER_AGENT = "kube-probe/1.32";
    /** kubelet reads at most this much of a body (maxRespBodyLength). */
    static final int MAX_BODY = 10 * 1024;
    private static final int MAX_REDIRECTS = 10;
    private static final int MAX_HEADER_LINE = 16 * 1024;

    private final ProbePorts ports;
    /** kubelet probes HTTPS with InsecureSkipVerify: no certificate or host name is checked. */
    private final SSLSocketFactory tls = InsecureTls.context().getSocketFactory();

    HttpGetProber(ProbePorts ports) {
        this.ports = ports;
    }

    ProbeResult probe(ProbeTarget target, HTTPGetAction action, Duration timeout) {
        int port;
        try {
            port = ports.resolve(target.pod(), target.container(), action.getPort());
        } catch (IllegalArgumentException e) {
            return ProbeResult.error(e.getMessage());
        }
        String scheme = action.getScheme() == null || action.getScheme().isEmpty() ? "http"
                : action.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return ProbeResult.error("unsupported HTTP probe scheme: " + action.getScheme());
        }
        String host = action.getHost() == null || action.getHost().isEmpty() ? target.podIp() : action.getHost();
        URI url;
        try {
            url = url(scheme, host, port, action.getPath());
        } catch (URISyntaxException e) {
            return ProbeResult.error("invalid probe URL: " + e.getMessage());
        }
        List<String[]> headers = HttpGetHeaders.of(action.getHttpHeaders(), USER_AGENT);
        Instant deadline = Instant.now().plus(timeout);
        URI first = url;
        for (int hops = 0; ; hops++) {
            Response response;
            try {
                response = get(url, headers, deadline);
            } catch (SocketTimeoutException e) {
                return ProbeResult.failure("Get \"" + url + "\": context deadline exceeded"
                        + " (Client.Timeout exceeded while awaiting headers)");
            } catch (ConnectException e) {
                return ProbeResult.failure("Get \"" + url + "\": dial tcp " + hostPort(url) + ": connect: "
                        + lower(e.getMessage()));
            } catch (IOException e) {
                return ProbeResult.failure("Get \"" + url + "\": " + e.getMessage());
            }
            int code = response.status();
            String location = response.location();
            if (isFollowed(code) && location != null) {
                URI next = url.resolve(location.trim());
                if (next.getHost() != null && next.getHost().equalsIgnoreCase(first.getHost())) {
                    if (hops + 1 >= MAX_REDIRECTS) {
                        return ProbeResult.failure("Get \"" + next + "\": stopped after 10 redirects");
                    }
                    if (URI.create(location.trim()).isAbsolute()) {
                        headers.removeIf(h -> h[0].equalsIgnoreCase("Host")); // only a relative redirect keeps it (Go)
                    }
                    url = next;
                    continue;
                }
            }
            if (code >= 200 && code < 400) {
                return code >= 300 ? ProbeResult.warning("Probe terminated redirects, Response body: " + response.body())
                        : ProbeResult.success(response.body());
            }
            // kubelet keeps the body out of this message on purpose (kubernetes#99425).
            return ProbeResult.failure("HTTP probe failed with statuscode: " + code);
        }
    }

    private static boolean isFollowed(int code) {
        return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    static URI url(String scheme, String host, int port, String path) throws URISyntaxException {
        String p = path == null || path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        return new URI(scheme + "://" + authority + p);
    }


    private record Response(int status, String location, String body) {}

    private Response get(URI url, List<String[]> headers, Instant deadline) throws IOException {
        InetSocketAddress address = new InetSocketAddress(url.getHost().replace("[", "").replace("]", ""),
                url.getPort());
        try (FirstBytesSocket plain = new FirstBytesSocket()) {
            plain.connect(address, remainingMillis(deadline));
            plain.setSoTimeout(remainingMillis(deadline));
            Socket socket = plain;
            if (url.getScheme().equals("https")) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(plain, address.getHostString(), url.getPort(), true);
                try {
                    ssl.startHandshake();
                } catch (SSLException e) {
                    // Go's http.Client: a first TLS record header that reads "HTTP/" is a plain HTTP server's
                    // answer (ErrSchemeMismatch), where Java only says "Unsupported or unrecognized SSL message".
                    if (plain.firstBytes().equals("HTTP/")) {
                        throw new IOException("http: server gave HTTP response to HTTPS client", e);
                    }
                    throw e;
                }
                socket = ssl;
            }
            OutputStream out = socket.getOutputStream();
            out.write(request(url, headers).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            return read(in, deadline, socket);
        }
    }

    /**
     * A socket that keeps the first five bytes read from it: the header of the first TLS record, which tells a plain
     * HTTP server that answered the handshake.
     */
    private static final class FirstBytesSocket extends Socket {
        private final byte[] first = new byte[5];
        private int kept;
        private InputStream in;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        if (b >= 0) {
                            keep((byte) b);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        int n = super.read(buffer, offset, length);
                        for (int i = 0; i < n && kept < first.length; i++) {
                            keep(buffer[offset + i]);
                        }
                        return n;
                    }
                };
            }
            return in;
        }

        private void keep(byte b) {
            if (kept < first.length) {
                first[kept++] = b;
            }
        }

        String firstBytes() {
            return new String(first, 0, kept, StandardCharsets.ISO_8859_1);
        }
    }

    private static String request(URI url, List<String[]> headers) {
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        StringBuilder r = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n");
        String host = headers.stream().filter(h -> h[0].equalsIgnoreCase("Host")).map(h -> h[1]).findFirst()
                .orElse(url.getRawAuthority());
        r.append("Host: ").append(host).append("\r\n");
        for (String[] h : headers) {
            if (!h[0].equalsIgnoreCase("Host")) {
                r.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
        }
        return r.append("Connection: close\r\n\r\n").toString();
    }

    private static Response read(InputStream in, Instant deadline, Socket socket) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("malformed HTTP response \"" + statusLine + "\"");
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("malformed HTTP status code \"" + parts[1] + "\"");
        }
        String location = null;
        long length = -1;
        boolean chunked = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Location")) {
                location = value;
            } else if (name.equalsIgnoreCase("Content-Length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length \"" + value + "\"");
                }
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            }
        }
        socket.setSoTimeout(remainingMillis(deadline));
        byte[] body = chunked ? chunkedBody(in) : body(in, length);
        return new Response(status, location, new String(body, StandardCharsets.UTF_8));
    }

    /** Up to {@link #MAX_BODY} bytes of a body that is {@code length} long, or runs to the end when -1. */
    private static byte[] body(InputStream in, long length) throws IOException {
        int want = (int) Math.min(MAX_BODY, length < 0 ? MAX_BODY : length);
        return in.readNBytes(want);
    }

    private static byte[] chunkedBody(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (out.size() < MAX_BODY) {
            String sizeLine = line(in);
            int semicolon = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size \"" + sizeLine + "\"");
            }
            if (size == 0) {
                break;
            }
            out.write(in.readNBytes(Math.min(size, MAX_BODY - out.size())));
            if (out.size() >= MAX_BODY) {
                break;
            }
            line(in);
        }
        return out.toByteArray();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                if (line.isEmpty()) {
                    throw new IOException("EOF");
                }
                break;
            }
            if (line.length() > MAX_HEADER_LINE) {
                throw new IOException("HTTP header line longer than " + MAX_HEADER_LINE + " bytes");
            }
            line.append((char) b);
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    private static int remainingMillis(Instant deadline) throws SocketTimeoutException {
        long left = Duration.between(Instant.now(), deadline).toMillis();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    static String hostPort(URI url) {
        return url.getRawAuthority();
    }

    static String lower(String message) {
        return message == null ? "" : message.toLowerCase(Locale.ROOT).replace(" (connection refused)", "");
    }
}
