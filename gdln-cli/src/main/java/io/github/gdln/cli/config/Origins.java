package io.github.gdln.cli.config;

import com.typesafe.config.ConfigOrigin;

/** Short, readable origins of configuration values: {@code file:line}, {@code resource:line} or {@code command line}. */
public final class Origins {
    /** The origin description used for values given on the command line. */
    public static final String COMMAND_LINE = "command line";

    private Origins() {
    }

    /** " (gdln-core)" for a resource inside gdln-core's jar or classes folder, else empty. */
    private static String module(java.net.URL url) {
        if (url == null) {
            return "";
        }
        String u = url.toString();
        java.util.regex.Matcher jar = java.util.regex.Pattern.compile("([^/]+?)(-\\d[^/]*)?\\.jar!").matcher(u);
        if (jar.find()) {
            return " (" + jar.group(1) + ")";
        }
        java.util.regex.Matcher dir = java.util.regex.Pattern.compile("/([^/]+)/target/(test-)?classes/").matcher(u);
        return dir.find() ? " (" + dir.group(1) + ")" : "";
    }

    /** A short description of where a value came from. */
    public static String describe(ConfigOrigin o) {
        if (o == null) {
            return "";
        }
        String d = o.description();
        if (d.startsWith(COMMAND_LINE)) {
            return COMMAND_LINE;
        }
        String where;
        if (o.resource() != null) {
            where = o.resource() + module(o.url());
        } else if (o.filename() != null) {
            where = o.filename();
        } else if (o.url() != null) {
            where = o.url().toString();
        } else {
            int colon = d.lastIndexOf(": ");
            where = colon > 0 ? d.substring(0, colon) : d;
            if (where.startsWith("merge of ")) {
                where = where.substring("merge of ".length());
            }
        }
        return o.lineNumber() > 0 ? where + ":" + o.lineNumber() : where;
    }
}
