package io.drover.testing;

import java.io.IOException;

/** The machine's users, as its own tools report them. */
public final class Users {
    private Users() {}

    /** A user's home directory as getent(1) reports it, "/" without an entry. */
    public static String homeOf(long uid) throws IOException, InterruptedException {
        Process getent = new ProcessBuilder("getent", "passwd", Long.toString(uid)).redirectErrorStream(true).start();
        String line = new String(getent.getInputStream().readAllBytes()).trim();
        getent.waitFor();
        String[] fields = line.split(":", -1);
        return getent.exitValue() == 0 && fields.length >= 6 && !fields[5].isEmpty() ? fields[5] : "/";
    }
}
